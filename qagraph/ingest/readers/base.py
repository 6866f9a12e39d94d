"""What every reader returns (`Document`), how it fails (`ReadError`), and its interface.

A reader turns one file into the text the splitter reads plus a line map back to the
original file, so that citations point at lines the user can open in an editor, even when
the text was converted (HTML to markdown).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from qagraph.errors import QagraphError

logger = logging.getLogger(__name__)

FORMATS = ("text", "markdown", "html", "rst", "notebook", "docx", "pdf")


class ReadError(QagraphError):
    """A file could not be read as a document; the message names the file."""


@dataclass(frozen=True, slots=True)
class Document:
    """One file, decoded and ready for the splitter.

    Attributes:
        name: File name shown in citations (relative to the ingested folder, posix form).
        path: Absolute path of the file at read time.
        text: The text the splitter reads: the decoded file for txt and md, the markdown
            conversion for html. Newlines are always "\\n".
        line_map: For each line of `text` (0-based index), the 1-based line number in the
            original file. Non-decreasing, each within [1, n_lines]; identity for txt/md.
        encoding: Codec the raw bytes were decoded with ("utf-8", "cp1252", ...).
        sha256: Hex digest of the raw bytes, used to skip unchanged files on re-ingest.
        n_lines: Number of lines in the original file.
        warnings: Human-readable problems met while reading (e.g. a fallback encoding).
        format: One of `FORMATS`: "text", "markdown", "html", "rst", "notebook", "docx"
            or "pdf".
        pages: For a PDF, the 1-based page of each line of `text`; empty for other formats.
        line_ends: For each line of `text`, the last original line it draws on, where a
            converted line joins several (an HTML table row whose cells span source lines);
            each within [line_map[i], n_lines]. Empty when every line comes from the one
            line `line_map` names.
    """

    name: str
    path: str
    text: str
    line_map: tuple[int, ...]
    encoding: str
    sha256: str
    n_lines: int
    warnings: tuple[str, ...] = ()
    format: str = "text"
    pages: tuple[int, ...] = ()
    line_ends: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # A line map that drifts from the text would make every later citation wrong, so
        # a reader bug has to fail here, loudly, rather than in a user's answer.
        n_text = len(self.text.splitlines())
        if len(self.line_map) != n_text:
            raise ValueError(
                f"{self.name}: line_map has {len(self.line_map)} entries for {n_text} lines"
            )
        if self.format not in FORMATS:
            raise ValueError(f"{self.name}: unknown format {self.format!r}")
        if self.line_map and (self.line_map[0] < 1 or self.line_map[-1] > self.n_lines):
            raise ValueError(f"{self.name}: line_map outside 1..{self.n_lines}")
        if self.pages and len(self.pages) != n_text:
            raise ValueError(f"{self.name}: pages has {len(self.pages)} entries for {n_text} lines")
        if self.line_ends and (
            len(self.line_ends) != n_text
            or any(
                not start <= end <= self.n_lines
                for start, end in zip(self.line_map, self.line_ends, strict=True)
            )
        ):
            raise ValueError(f"{self.name}: line_ends do not fit line_map within 1..{self.n_lines}")

    @property
    def lines(self) -> list[str]:
        """The lines of `text`; `lines[i]` came from original line `line_map[i]`."""
        return self.text.splitlines()

    def original_line(self, index: int) -> int:
        """The 1-based line in the original file of `lines[index]` (0-based)."""
        return self.line_map[index]

    def last_line(self, index: int) -> int:
        """The last 1-based line in the original file that `lines[index]` draws on."""
        return self.line_ends[index] if self.line_ends else self.line_map[index]

    def page_line(self, index: int) -> tuple[int, int] | None:
        """(page, 1-based line on that page) of `lines[index]`, or None without pages.

        For a PDF, `line_map` counts lines across the whole extracted text; the line on
        the page is that count less the count of the page's first line, plus one.
        """
        if not self.pages:
            return None
        page = self.pages[index]
        first = next(i for i, p in enumerate(self.pages) if p == page)
        return page, self.line_map[index] - self.line_map[first] + 1

    def location(self, first: int, last: int) -> str | None:
        """Where `lines[first..last]` (0-based, inclusive) sit, in the units a reader of
        this format looks for; None where original line numbers say it (text formats).

        A PDF names page and line on the page ("p. 3, lines 12-19", or "p. 3, line 40 -
        p. 4, line 5" across a page break), a notebook its cells ("cell 12", "cells
        12-14"), a Word file its paragraphs ("paragraph 7", "paragraphs 7-9").
        """
        if self.format == "pdf" and self.pages:
            (page_a, line_a), (page_b, line_b) = self.page_line(first), self.page_line(last)
            if page_a != page_b:
                return f"p. {page_a}, line {line_a} - p. {page_b}, line {line_b}"
            lines = f"line {line_a}" if line_a == line_b else f"lines {line_a}-{line_b}"
            return f"p. {page_a}, {lines}"
        unit = {"notebook": "cell", "docx": "paragraph"}.get(self.format)
        if unit is None:
            return None
        a, b = self.line_map[first], self.line_map[last]
        return f"{unit} {a}" if a == b else f"{unit}s {a}-{b}"


class Reader(ABC):
    """Reads files with one of `suffixes` into a `Document`.

    Subclasses set `suffixes` (lower case, with the dot) and `format`, and implement
    `read`. Readers hold no state, so one instance serves every file.
    """

    suffixes: ClassVar[tuple[str, ...]] = ()
    format: ClassVar[str] = "text"

    def accepts(self, path: str | Path) -> bool:
        """Whether this reader handles `path`, judged by its suffix (case-insensitive)."""
        return Path(path).suffix.lower() in self.suffixes

    @abstractmethod
    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read one file.

        Args:
            path: The file to read.
            name: Name to cite the file by; defaults to the file's own name.

        Returns:
            The decoded document with its line map.

        Raises:
            ReadError: The file is missing, unreadable, empty or binary.
        """
