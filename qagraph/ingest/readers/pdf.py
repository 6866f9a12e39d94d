"""PDF reader: the text layer of each page, cleaned of page furniture, as markdown.

pypdf extracts each page's text in reading order. Running headers and footers (lines at
the top or bottom of at least half the pages, digits masked) and page numbers are dropped,
and a word hyphenated across a line end is joined. Headings are recovered where the PDF
shows them: lines set larger than the body text, and bold (or, without font data, any)
lines numbered hierarchically ("2.1. How ...?"). Monospace runs become code fences.
`line_map` holds each line's running number in the extracted text (across pages) and `pages`
its page, so a citation can say "p. 3, lines 12-19" (see `Document.page_line`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.text import normalize_newlines, read_bytes

logger = logging.getLogger(__name__)

_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:page|p\.|seite|pagina|página)\s*)?[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|von|de)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)(\.?)\s+(\S.*)$")
_LEADERS = re.compile(r"(?:\s*\.){4,}\s*\d*\s*$")  # table-of-contents dot leaders
_HYPHEN_END = re.compile(r"(?<=[a-zà-ÿ])-$")
_FIRST_WORD = re.compile(r"^([a-zà-ÿ]\S*)\s*(.*)$")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_MONO = re.compile(r"courier|mono|consol|menlo|code|typewriter|\bcmtt", re.IGNORECASE)
_EDGE = 3  # lines at each end of a page where headers and footers are looked for


@dataclass
class _Line:
    """One extracted line with the font it is mostly set in (None: font unknown)."""

    text: str
    page: int
    number: int  # running 1-based line number in the extracted text
    size: float | None = None
    bold: bool = False
    mono: bool = False


def _page_lines(page: object, page_no: int, first: int) -> list[_Line]:
    """The text lines of one page, with font size and weight where pypdf reports them."""
    parts: list[tuple[str, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
        parts.append((text, round(size * scale * 2) / 2, name))

    text = normalize_newlines(page.extract_text(visitor_text=visit) or "")
    lines = [_Line(t, page_no, first + i) for i, t in enumerate(text.split("\n"))]
    if normalize_newlines("".join(p[0] for p in parts)) != text:
        return lines  # the visitor's pieces do not add up to the text: no font data
    styles: list[Counter] = [Counter() for _ in lines]
    row = 0
    for piece, size, font in parts:
        for i, chunk in enumerate(normalize_newlines(piece).split("\n")):
            row += i > 0
            if chunk.strip() and row < len(lines):
                styles[row][(size, font)] += len(chunk.strip())
    for line, style in zip(lines, styles, strict=True):
        if style:
            line.size = max(s for s, _ in style)
            line.bold = all(_BOLD.search(f) for _, f in style)
            line.mono = all(_MONO.search(f) for _, f in style)
    return lines


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def drop_furniture(pages: list[list[_Line]]) -> list[_Line]:
    """The lines but page numbers and headers/footers (among a page's first and last lines).

    A dropped first line of a page leaves a blank line: `Document.page_line` counts from it.
    """
    edges = [(f := [ln for ln in lines if ln.text.strip()])[:_EDGE] + f[-_EDGE:] for lines in pages]
    counts = Counter(key for edge in edges for key in {_mask(ln.text) for ln in edge})
    need = max(2, math.ceil(len(pages) / 2))
    kept: list[_Line] = []
    for lines, edge in zip(pages, edges, strict=True):
        for ln in lines:
            if not any(ln is e for e in edge) or not (
                _PAGE_NUMBER.match(ln.text) or (len(pages) > 1 and counts[_mask(ln.text)] >= need)
            ):
                kept.append(ln)
            elif ln is lines[0]:
                kept.append(_Line("", ln.page, ln.number))
    return kept


def _join_hyphens(lines: list[_Line]) -> list[_Line]:
    """Move the rest of a word hyphenated at a line end up onto that line."""
    emptied: set[int] = set()
    for i in range(len(lines) - 1):
        cur, nxt = lines[i], lines[i + 1]
        if _HYPHEN_END.search(cur.text.rstrip()) and not cur.mono and not nxt.mono:
            if m := _FIRST_WORD.match(nxt.text.lstrip()):
                cur.text = cur.text.rstrip()[:-1] + m.group(1)
                nxt.text = m.group(2)
                # The first line of a page stays, emptied: `Document.page_line` counts from it.
                if not nxt.text and nxt.page == cur.page:
                    emptied.add(i + 1)
    return [ln for i, ln in enumerate(lines) if i not in emptied]


def to_markdown(lines: list[_Line]) -> list[_Line]:
    """Mark headings and code blocks; returns the markdown lines, each with its source."""
    sizes: Counter[float] = Counter()
    for ln in (x for x in lines if x.size is not None):
        sizes[ln.size] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else None
    big = sorted({ln.size for ln in lines if body and ln.size and ln.size >= body + 1})[::-1][:5]
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        ln, j = lines[i], i + 1
        text = " ".join(ln.text.split())
        if level := _heading_level(ln, text, big, body):
            while j < len(lines) and _wraps(text, ln, lines[j]):  # a heading on two lines
                text, j = f"{text} {' '.join(lines[j].text.split())}", j + 1
            out.append(_Line(f"{'#' * level} {text}", ln.page, ln.number))
        elif ln.mono and text and ((k := _mono_end(lines, i)) - i > 1 or ln.size < (body or 0)):
            fence = "````" if any("```" in x.text for x in lines[i:k]) else "```"
            close = _Line(fence, lines[k - 1].page, lines[k - 1].number)
            out += [_Line(fence, ln.page, ln.number), *lines[i:k], close]
            j = k
        else:
            if re.match(r"^\s{0,3}#{1,6}(\s|$)", ln.text):  # a literal "#" is no heading
                ln.text = "\\" + ln.text.lstrip()
            out.append(ln)
        i = j
    return out


def _heading_level(ln: _Line, text: str, big: list[float], body: float | None) -> int:
    """The heading level of a line set large, or numbered like a heading; 0 if neither."""
    if big and ln.size in big:
        return big.index(ln.size) + 1
    numbered = _NUMBERED.match(text)
    if not numbered or _LEADERS.search(text):
        return 0
    styled = ln.size is not None and (ln.bold or ln.size > (body or ln.size))  # bold or large
    unstyled = ln.size is None and (numbered.group(2) or text.endswith("?")) and len(text) <= 200
    if not (styled or unstyled):
        return 0
    depth = numbered.group(1).count(".") + 1
    return min(6, len(big) + depth - 1 if big else depth)


def _wraps(text: str, head: _Line, nxt: _Line) -> bool:
    """Whether `nxt` continues heading `head` (set in its font, on its page)."""
    if head.size is None or text.endswith("?") or not nxt.text.strip():
        return False
    same = (nxt.size, nxt.bold, nxt.page) == (head.size, head.bold, head.page)
    return same and _NUMBERED.match(nxt.text.strip()) is None


def _mono_end(lines: list[_Line], start: int) -> int:
    """Index after the run of non-blank monospace lines that starts at `start`."""
    end = start
    while end < len(lines) and lines[end].mono and lines[end].text.strip():
        end += 1
    return end


class PdfReader(Reader):
    """Reads the text layer of .pdf files; `pages` tells the page of each line."""

    suffixes = (".pdf",)
    format = "pdf"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read one PDF; see `Reader.read`.

        Raises:
            ReadError: The file is missing, corrupt, encrypted, or has no text layer.
        """
        path = Path(path)
        name = name or path.name
        raw = read_bytes(path, name)
        if not raw.strip():
            raise ReadError(f"{name}: file is empty")
        pages, warnings = _extract(raw, name)
        n_lines = sum(len(p) for p in pages)
        lines = to_markdown(_join_hyphens(drop_furniture(pages)))
        if not any(ln.text.strip() for ln in lines):
            raise ReadError(f"{name}: no text layer (a scanned PDF?); nothing to read")
        empty = [str(i + 1) for i, p in enumerate(pages) if not any(x.text.strip() for x in p)]
        if empty:
            warnings.append(f"{name}: no text on page(s) {', '.join(empty)} (scanned?)")
        logger.debug("read %s: %d pages, %d lines -> %d", name, len(pages), n_lines, len(lines))
        return Document(
            name=name,
            path=str(path.absolute()),
            text="\n".join(ln.text for ln in lines) + "\n",
            line_map=tuple(ln.number for ln in lines),
            encoding="utf-8",
            sha256=hashlib.sha256(raw).hexdigest(),
            n_lines=n_lines,
            warnings=tuple(warnings),
            format=self.format,
            pages=tuple(ln.page for ln in lines),
        )


def page_texts(raw: bytes, name: str = "PDF") -> list[list[str]]:
    """Each page's text lines as extracted, headers and footers included.

    Line k (1-based) of page p here is what a citation "p. p, line k" names, and the
    running count of these lines across pages is what `Document.line_map` holds.

    Raises:
        ReadError: The PDF is corrupt or encrypted.
    """
    pages, _ = _extract(raw, name)
    return [[line.text for line in page] for page in pages]


def _extract(raw: bytes, name: str) -> tuple[list[list[_Line]], list[str]]:
    """Each page's lines (pages 1-based, lines numbered across pages) and warnings."""
    pages: list[list[_Line]] = []
    warnings: list[str] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("a password is needed")
        first = 1
        for page_no, page in enumerate(reader.pages, start=1):
            try:
                lines = _page_lines(page, page_no, first)
            except DependencyError:
                raise
            except Exception as exc:  # one broken page should not lose the others
                logger.info("%s: page %d unreadable: %s", name, page_no, exc)
                warnings.append(f"{name}: could not read page {page_no}")
                lines = []
            pages.append(lines)
            first += len(lines)
    except FileNotDecryptedError:
        raise ReadError(f"{name}: encrypted PDF (a password is needed); cannot read it") from None
    except DependencyError:  # AES encryption without the 'cryptography' package
        raise ReadError(f"{name}: AES-encrypted PDF; reading it needs 'cryptography'") from None
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        reason = " ".join(str(exc).split())[:100] or exc.__class__.__name__
        raise ReadError(f"{name}: not a readable PDF ({reason})") from None
    return pages, warnings
