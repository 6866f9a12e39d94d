"""PDF reader: the text layer of each page, cleaned of page furniture, as markdown.

pypdf extracts each page's text in reading order. Lines that repeat at the top or bottom of
most pages (running headers and footers, compared with their digits masked) and page
number lines ("Page 3", "- 3 -") are dropped; a word hyphenated across a line end is
joined. Headings are recovered where the PDF shows them: lines set larger than the body
text, and bold (or, without font data, any) lines numbered hierarchically ("2.1. How ...?").
Runs of lines set in a monospace font become code fences.

`line_map` holds each output line's running number in the extracted text (across pages)
and `pages` its page, so a citation can say "p. 3, lines 12-19" (`Document.page_line`).
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
_ENDS_SENTENCE = ("?", ".", "!", ":")


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
    parts: list[tuple[str, float, bool, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
        parts.append((text, round(size * scale * 2) / 2, bool(_BOLD.search(name)),
                      bool(_MONO.search(name))))

    text = normalize_newlines(page.extract_text(visitor_text=visit) or "")
    lines = [_Line(t, page_no, first + i) for i, t in enumerate(text.split("\n"))]
    if normalize_newlines("".join(p[0] for p in parts)) != text:
        return lines  # the visitor's pieces do not add up to the text: no font data
    styles: list[Counter] = [Counter() for _ in lines]
    row = 0
    for piece, size, bold, mono in parts:
        for i, chunk in enumerate(normalize_newlines(piece).split("\n")):
            row += i > 0
            if chunk.strip() and row < len(lines):
                styles[row][(size, bold, mono)] += len(chunk.strip())
    for line, style in zip(lines, styles, strict=True):
        if style:
            line.size = max(s for s, _, _ in style)
            line.bold = all(b for _, b, _ in style)
            line.mono = all(m for _, _, m in style)
    return lines


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def drop_furniture(pages: list[list[_Line]]) -> list[_Line]:
    """All lines but page numbers and headers/footers repeated on at least half the pages."""
    counts: Counter[str] = Counter()
    for lines in pages:
        filled = [ln for ln in lines if ln.text.strip()]
        counts.update({_mask(ln.text) for ln in filled[:_EDGE] + filled[-_EDGE:]})
    need = max(2, math.ceil(len(pages) / 2))
    kept: list[_Line] = []
    for lines in pages:
        filled = [ln for ln in lines if ln.text.strip()]
        edges = {id(ln) for ln in filled[:_EDGE] + filled[-_EDGE:]}
        for ln in lines:
            if _PAGE_NUMBER.match(ln.text) or (
                id(ln) in edges and len(pages) > 1 and counts[_mask(ln.text)] >= need
            ):
                continue
            kept.append(ln)
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
                if not nxt.text:
                    emptied.add(i + 1)
    return [ln for i, ln in enumerate(lines) if i not in emptied]


def to_markdown(lines: list[_Line]) -> list[_Line]:
    """Mark headings and code blocks; returns the markdown lines, each with its source."""
    sizes = Counter()
    for ln in lines:
        if ln.size is not None:
            sizes[ln.size] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else None
    big = sorted({ln.size for ln in lines if body and ln.size and ln.size >= body + 1}, reverse=True)
    big = big[:5]
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        text = " ".join(ln.text.split())
        numbered = _NUMBERED.match(text)
        level = 0
        if big and ln.size in big:
            level = big.index(ln.size) + 1
        elif numbered and not _LEADERS.search(text) and _heading_like(ln, numbered, body):
            depth = numbered.group(1).count(".") + 1
            level = min(6, len(big) + depth - 1 if big else depth)
        if level:
            j = i + 1  # a heading wrapped over lines, in the same font
            while (
                j < len(lines) and not text.endswith(_ENDS_SENTENCE[:1]) and ln.size is not None
                and (lines[j].size, lines[j].bold, lines[j].page) == (ln.size, ln.bold, ln.page)
                and lines[j].text.strip() and not _NUMBERED.match(lines[j].text.strip())
            ):
                text += " " + " ".join(lines[j].text.split())
                j += 1
            out.append(_Line(f"{'#' * level} {text}", ln.page, ln.number))
            i = j
            continue
        if ln.mono and ln.text.strip():
            j = i
            while j < len(lines) and lines[j].mono and lines[j].text.strip():
                j += 1
            if j - i >= 2 or (body and ln.size and ln.size < body):
                fence = "````" if any("```" in x.text for x in lines[i:j]) else "```"
                out.append(_Line(fence, ln.page, ln.number))
                out.extend(lines[i:j])
                out.append(_Line(fence, lines[j - 1].page, lines[j - 1].number))
                i = j
                continue
        if re.match(r"^\s{0,3}#{1,6}(\s|$)", ln.text):  # a literal "#" line is no heading
            ln.text = "\\" + ln.text.lstrip()
        out.append(ln)
        i += 1
    return out


def _heading_like(ln: _Line, numbered: re.Match[str], body: float | None) -> bool:
    """Whether a numbered line is a heading rather than a sentence starting with a number."""
    title = numbered.group(3)
    if ln.size is not None:
        return ln.bold or bool(body and ln.size > body)
    return (bool(numbered.group(2)) or title.endswith("?")) and len(title) <= 200


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


def _extract(raw: bytes, name: str) -> tuple[list[list[_Line]], list[str]]:
    """Each page's lines (pages 1-based, lines numbered across pages) and warnings."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(f"{name}: the PDF is encrypted (password-protected); cannot read it")
        pages: list[list[_Line]] = []
        warnings: list[str] = []
        first = 1
        for page_no, page in enumerate(reader.pages, start=1):
            try:
                lines = _page_lines(page, page_no, first)
            except Exception as exc:  # one broken page should not lose the others
                logger.info("%s: page %d unreadable: %s", name, page_no, exc)
                warnings.append(f"{name}: could not read page {page_no}")
                lines = []
            pages.append(lines)
            first += len(lines)
    except ReadError:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise ReadError(f"{name}: the PDF is encrypted (password-protected); cannot read it") from None
    except Exception as exc:  # pypdf raises many kinds of errors on broken files
        reason = " ".join(str(exc).split())[:100] or exc.__class__.__name__
        raise ReadError(f"{name}: not a readable PDF ({reason})") from None
    return pages, warnings
