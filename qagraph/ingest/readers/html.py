"""HTML reader: converts a page to markdown and maps every output line to its source line.

markdownify does the formatting (`html_markdown`). The line numbers come from the parser:
before conversion, every text line and every block element gets an invisible marker (two
private-use characters around its source line number, from `Tag.sourceline`). markdownify
carries the markers along like ordinary text; afterwards each output line takes the line
of the last marker before its content (past any bullet or quote prefix), and the markers
are removed. A line that joins several source lines (a table row whose cells span lines)
also records the last of them, from the largest marker on it: its citation has to reach
that far (`html_lines`).

Only the page's main content is read, without navigation, sidebars and other page
furniture (`html_content`). Comments in the HTML never reach the text.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import NamedTuple

from bs4 import BeautifulSoup

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.html_content import drop_furniture, main_content
from qagraph.ingest.readers.html_lines import (
    finish_lines,
    mark_text_lines,
    text_start_lines,
    without_marker_chars,
)
from qagraph.ingest.readers.html_markdown import Converter, prepare_for_markdown
from qagraph.ingest.readers.text import decode_bytes, normalize_newlines, read_bytes

logger = logging.getLogger(__name__)

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


class Converted(NamedTuple):
    """A page as markdown, with where each of its lines came from.

    Attributes:
        text: The markdown text.
        line_map: For each line of `text`, the 1-based source line it starts on
            (non-decreasing, within the source's line count).
        line_ends: For each line of `text`, the last source line it draws on (a table
            row whose cells span lines reaches past its first line).
    """

    text: str
    line_map: tuple[int, ...]
    line_ends: tuple[int, ...]


def html_to_markdown(source: str) -> tuple[str, tuple[int, ...]]:
    """Convert HTML source to markdown with a line map.

    Args:
        source: Decoded HTML with "\\n" newlines.

    Returns:
        The markdown text, and for each of its lines the 1-based source line it came from
        (non-decreasing, within the source's line count).
    """
    converted = convert_html(source)
    return converted.text, converted.line_map


def convert_html(source: str) -> Converted:
    """Convert HTML source to markdown with the first and last source line of each line.

    Args:
        source: Decoded HTML with "\\n" newlines.

    Returns:
        The markdown text and its line maps; see `Converted`.
    """
    source = without_marker_chars(source)
    n_lines = max(1, len(source.splitlines()))
    soup = BeautifulSoup(source, "html.parser")
    starts = text_start_lines(soup, source)  # before dropping: drops shift nothing then
    drop_furniture(soup)
    prepare_for_markdown(soup)
    mark_text_lines(soup, starts)
    root = main_content(soup)
    markdown = Converter().convert_soup(root)
    # Entities can smuggle in \r or U+2028; non-breaking spaces would defeat plain-space
    # patterns in the splitter.
    markdown = normalize_newlines(markdown).replace("\xa0", " ")
    lines, line_map, line_ends = finish_lines(markdown, n_lines)
    return Converted("\n".join(lines), tuple(line_map), tuple(line_ends))


class HtmlReader(Reader):
    """Reads .html and .htm pages as markdown, mapped back to source lines."""

    suffixes = (".html", ".htm")
    format = "html"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read a page and convert it to markdown; see `Reader.read`."""
        path = Path(path)
        name = name or path.name
        raw = read_bytes(path, name)
        match = _CHARSET_RE.search(raw[:4096])
        declared = match.group(1).decode("ascii") if match else None
        decoded = decode_bytes(raw, name, declared=declared)
        text, line_map, line_ends = convert_html(decoded.text)
        if not text.strip():
            raise ReadError(f"{name}: no readable text in this HTML page")
        logger.debug(
            "read %s: %d source lines -> %d markdown lines", name, decoded.n_lines, len(line_map)
        )
        return Document(
            name=name,
            path=str(path.absolute()),
            text=text,
            line_map=line_map,
            line_ends=line_ends,
            encoding=decoded.encoding,
            sha256=decoded.sha256,
            n_lines=decoded.n_lines,
            warnings=decoded.warnings,
            format=self.format,
        )
