"""The original lines behind a citation, read from the ingested file.

A node's answer is the splitter's markdown; the excerpt is what the file says at the cited
lines, so a reader can check the quotation against its source. Text files (and HTML,
reStructuredText, ...) are shown as they are on disk. A file that is not text is shown as
its reader extracted it: a PDF page by page, numbered by line on the page as citations
count them; a notebook by cell and a Word file by paragraph. A web page is read from the
copy the store keeps of it, never fetched again. Files are read lazily and remembered
while their size and modification time stay the same.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path
from typing import NamedTuple

from qagraph.errors import QagraphError
from qagraph.ingest.readers import read_document, reader_for
from qagraph.ingest.readers.pdf import page_texts
from qagraph.kb import KnowledgeBase

logger = logging.getLogger(__name__)

MAX_EXCERPT_LINES = 60
_BLOCK_FORMATS = frozenset({"notebook", "docx"})


class Excerpt(NamedTuple):
    """Labelled lines of a source file.

    Attributes:
        lines: (label, text) pairs. The label is the 1-based line number; in a PDF the
            line on its page, after a ("p. N", "") row opening each page; in a notebook
            or Word file the cell or paragraph number, on the first line of each only.
        truncated: Lines of the range left out after the first `MAX_EXCERPT_LINES`.
        note: Why the excerpt may not match the citation ("" when it does).
        language: Code-block language to show the lines in ("html" for HTML pages).
    """

    lines: list[tuple[int | str, str]]
    truncated: int = 0
    note: str = ""
    language: str = "text"


def excerpt(kb: KnowledgeBase, source: str, start: int, end: int) -> Excerpt | None:
    """Lines `start`..`end` (1-based, inclusive) of an ingested source, or None if unreadable.

    Args:
        kb: The knowledge base naming the source's path, hash and encoding.
        source: The source name as cited.
        start: First line (a node's `line_start`: for a PDF the running line number of
            the extracted text, for a notebook a cell, for a Word file a paragraph).
        end: Last line.
    """
    doc = next((s for s in kb.sources() if s.name == source), None)
    if doc is None:
        return None
    path = kb.snapshot(source) or Path(doc.path)
    reader = reader_for(path)
    kind = reader.format if reader is not None else "text"
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if kind == "pdf":
            rows, digest = _pdf_lines(*key)
        elif kind in _BLOCK_FORMATS:
            rows, digest = _blocks(*key)
        else:
            text, digest = _read(*key, doc.encoding)
    except (OSError, LookupError, QagraphError) as exc:
        logger.info("cannot read %s for an excerpt: %s", path, exc)
        return None
    note = "" if digest == doc.sha256 else "the file has changed since it was ingested"
    if kind == "pdf":
        lines, truncated = _pdf_excerpt(rows, start, end)
    elif kind in _BLOCK_FORMATS:
        lines, truncated = _block_excerpt(rows, start, end)
    else:
        all_lines = text.splitlines()
        start = max(1, start)
        end = min(len(all_lines), max(start, end))
        wanted = list(range(start, end + 1))
        shown = wanted[:MAX_EXCERPT_LINES]
        lines = [(n, all_lines[n - 1]) for n in shown]
        truncated = len(wanted) - len(shown)
    language = "html" if kind == "html" else "text"
    return Excerpt(lines, truncated, note, language)


def _pdf_excerpt(
    rows: tuple[tuple[int, int, str], ...], start: int, end: int
) -> tuple[list[tuple[int | str, str]], int]:
    wanted = rows[max(1, start) - 1 : max(start, end)]
    lines: list[tuple[int | str, str]] = []
    page = None
    for number, (page_no, line_no, text) in enumerate(wanted):
        if number == MAX_EXCERPT_LINES:
            return lines, len(wanted) - number
        if page_no != page:
            lines.append((f"p. {page_no}", ""))
            page = page_no
        lines.append((line_no, text))
    return lines, 0


def _block_excerpt(
    rows: tuple[tuple[int, str], ...], start: int, end: int
) -> tuple[list[tuple[int | str, str]], int]:
    wanted = [(block, text) for block, text in rows if start <= block <= end]
    lines: list[tuple[int | str, str]] = []
    previous = None
    for block, text in wanted[:MAX_EXCERPT_LINES]:
        lines.append((block if block != previous else "", text))
        previous = block
    return lines, max(0, len(wanted) - MAX_EXCERPT_LINES)


@functools.lru_cache(maxsize=64)
def _read(path: str, size: int, mtime_ns: int, encoding: str) -> tuple[str, str]:
    # size and mtime are part of the cache key, so an edited file is read again.
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        return data.decode(encoding), digest
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), digest


@functools.lru_cache(maxsize=16)
def _pdf_lines(path: str, size: int, mtime_ns: int) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """(page, line on the page, text) of every extracted line, in running order."""
    data = Path(path).read_bytes()
    pages = page_texts(data, Path(path).name)
    rows = tuple(
        (page_no, line_no, text)
        for page_no, lines in enumerate(pages, start=1)
        for line_no, text in enumerate(lines, start=1)
    )
    return rows, hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=16)
def _blocks(path: str, size: int, mtime_ns: int) -> tuple[tuple[tuple[int, str], ...], str]:
    """(cell or paragraph number, text) of every line a notebook or Word file reads as."""
    doc = read_document(path)
    return tuple(zip(doc.line_map, doc.lines, strict=True)), doc.sha256


def file_changed(path: str | os.PathLike[str], sha256: str) -> bool | None:
    """Whether the file's bytes differ from `sha256`; None when it cannot be read."""
    try:
        stat = Path(path).stat()
        return _read(str(path), stat.st_size, stat.st_mtime_ns, "utf-8")[1] != sha256
    except OSError:
        return None
