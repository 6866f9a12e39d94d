"""Word reader: the body of a .docx file (paragraphs and tables, in order) as markdown.

Heading styles become ATX headings, numbered and bulleted paragraphs (by list style or
by their own numbering) list items, paragraphs set wholly in bold `**bold**` paragraphs,
code-styled paragraphs fences, and tables markdown tables. A body paragraph or table is the
document's "line": `n_lines` counts them and every output line of the k-th maps to k, so a
citation names paragraphs.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.text import normalize_newlines, read_bytes

logger = logging.getLogger(__name__)

_HEADING = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_CODE_STYLE = re.compile(r"code|preformatted|source|verbatim|macro", re.IGNORECASE)
_LITERAL_MARKUP = re.compile(r"^(\s*)(#{1,6}(?:\s|$)|>)")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _style_chain(paragraph: Paragraph) -> list[Any]:
    """The paragraph's style and the styles it is based on, nearest first."""
    chain, style = [], paragraph.style
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _heading_level(paragraph: Paragraph) -> int:
    for style in _style_chain(paragraph):
        name = style.name or ""
        if name.lower() == "title":
            return 1
        if m := _HEADING.match(name):
            return min(int(m.group(1)), 6)
    return 0


def _is_bold(run: Any, paragraph: Paragraph) -> bool:
    if run.bold is not None:
        return run.bold
    if run.style is not None and run.style.font.bold is not None:
        return run.style.font.bold
    return any(s.font.bold for s in _style_chain(paragraph))


def _inline(paragraph: Paragraph) -> tuple[str, bool]:
    """The paragraph's text with bold spans marked, and whether all of it is bold."""
    spans: list[tuple[str, bool]] = []
    runs = [r for item in paragraph.iter_inner_content() for r in getattr(item, "runs", [item])]
    for run in runs:
        if run.text:
            bold = _is_bold(run, paragraph)
            if spans and spans[-1][1] == bold:
                spans[-1] = (spans[-1][0] + run.text, bold)
            else:
                spans.append((run.text, bold))
    text = paragraph.text if not spans else "".join(t for t, _ in spans)
    all_bold = bool(spans) and all(b or not t.strip() for t, b in spans)
    if not any(b and t.strip() for t, b in spans) or all_bold:
        return text, all_bold
    out = []
    for span, bold in spans:
        core = span.strip()
        if bold and core:
            lead, trail = span[: len(span) - len(span.lstrip())], span[len(span.rstrip()) :]
            span = f"{lead}**{core}**{trail}"
        out.append(span)
    return "".join(out), False


class _Lists:
    """Which paragraphs are list items, their nesting, and their numbers."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, int], tuple[str, int]] = {}
        self._counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in numbering.iter(f"{_W}abstractNum")}
        for num in numbering.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = abstract.get(ref.get(f"{_W}val") if ref is not None else None)
            for lvl in levels.iter(f"{_W}lvl") if levels is not None else ():
                fmt, start = lvl.find(f"{_W}numFmt"), lvl.find(f"{_W}start")
                self._formats[(num.get(f"{_W}numId"), int(lvl.get(f"{_W}ilvl", "0")))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )

    def marker(self, paragraph: Paragraph) -> tuple[str, int] | None:
        """The list marker ("1.", "-") and nesting level of a list item, else None."""
        num_id, level = None, 0
        for holder in [paragraph._p.pPr, *(s.element.pPr for s in _style_chain(paragraph))]:
            num_pr = holder.numPr if holder is not None else None
            if num_pr is not None and num_pr.numId is not None:
                num_id = str(num_pr.numId.val)
                level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
                break
        style = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
        if num_id == "0" or (num_id is None and not style.startswith("list")):
            return None
        fmt, start = self._formats.get((num_id, level), ("", 1)) if num_id else ("", 1)
        bullet = fmt == "bullet" or (not fmt and "bullet" in style)
        if not bullet and not fmt and "number" not in style:
            return None
        key = num_id or style
        counters = self._counters.setdefault(key, [])
        del counters[level + 1 :]
        counters.extend([start - 1] * (level + 1 - len(counters)))
        counters[level] += 1
        return ("-" if bullet else f"{counters[level]}."), level


def _table(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = [" ".join(c.text.split()).replace("|", "\\|") for c in row.cells]
        rows.append(f"| {' | '.join(cells)} |")
    if not rows:
        return []
    width = len(table.rows[0].cells)
    return [rows[0], "| " + " | ".join(["---"] * width) + " |", *rows[1:]]


def docx_to_markdown(document: Any) -> tuple[list[str], list[int], int]:
    """The markdown lines of a Word document's body, their block numbers, and the count."""
    lists = _Lists(document)
    out: list[str] = []
    block_of: list[int] = []
    previous = ""  # kind of the last block written: "list", "code" or "text"
    depth = -1
    number = 0
    for number, block in enumerate(document.iter_inner_content(), start=1):
        if isinstance(block, Table):
            lines, kind = _table(block), "text"
        else:
            lines, kind, depth = _paragraph(block, lists, depth if previous == "list" else -1)
        if not lines:
            continue
        if previous == "code" and kind != "code":
            out.append("```")
            block_of.append(block_of[-1])
        if kind == "code" and previous != "code":
            lines = ["```", *lines]
        if out and not (kind == previous and kind in ("list", "code")):
            lines = ["", *lines]
        out.extend(lines)
        block_of.extend([number] * len(lines))
        previous = kind
    if previous == "code":
        out.append("```")
        block_of.append(block_of[-1])
    return out, block_of, number


def _paragraph(paragraph: Paragraph, lists: _Lists, depth: int) -> tuple[list[str], str, int]:
    text, bold = _inline(paragraph)
    text = normalize_newlines(text.replace("\t", " "))
    if not text.strip():
        return [], "text", depth
    if any(_CODE_STYLE.search(s.name or "") for s in _style_chain(paragraph)):
        return paragraph.text.replace("\r", "").split("\n"), "code", depth
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if level := _heading_level(paragraph):
        return [f"{'#' * level} {' '.join(lines).replace('**', '')}"], "text", depth
    if marker := lists.marker(paragraph):
        mark, level = marker
        level = min(level, depth + 1)
        pad = "    " * level
        return [f"{pad}{mark} {lines[0]}", *(pad + "   " + x for x in lines[1:])], "list", level
    if bold:
        return [f"**{' '.join(lines).strip()}**"], "text", depth
    return [_LITERAL_MARKUP.sub(r"\1\\\2", line) for line in lines], "text", depth


class DocxReader(Reader):
    """Reads Word .docx files; the line map counts body paragraphs and tables."""

    suffixes = (".docx",)
    format = "docx"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read one Word document; see `Reader.read`.

        Raises:
            ReadError: The file is missing, not a .docx (zip) package, or has no text.
        """
        path = Path(path)
        name = name or path.name
        raw = read_bytes(path, name)
        if not raw:
            raise ReadError(f"{name}: file is empty")
        if raw.startswith(_OLE_MAGIC):
            raise ReadError(
                f"{name}: an encrypted or old-format (.doc) Word file; save it as .docx"
            )
        try:
            document = docx.Document(io.BytesIO(raw))
            out, block_of, n_blocks = docx_to_markdown(document)
        except Exception as exc:  # python-docx and zipfile raise many kinds on bad files
            reason = " ".join(str(exc).split())[:100] or exc.__class__.__name__
            raise ReadError(f"{name}: not a readable Word .docx file ({reason})") from None
        if not out:
            raise ReadError(f"{name}: no text in the document body")
        logger.debug("read %s: %d blocks -> %d markdown lines", name, n_blocks, len(out))
        return Document(
            name=name,
            path=str(path.absolute()),
            text="\n".join(out) + "\n",
            line_map=tuple(block_of),
            encoding="utf-8",
            sha256=hashlib.sha256(raw).hexdigest(),
            n_lines=n_blocks,
            format=self.format,
        )
