"""reStructuredText reader: rewrites the document as markdown, line for line.

The splitter parses markdown, so an .rst file is rewritten into it with a line map back to
the original: a section title (text over an underline, with or without an overline)
becomes an ATX heading whose level is the order its adornment style first appears, as
docutils decides it; code directives and `::` literal blocks become fences; navigation
directives (`.. contents::`, `.. toctree::`) and comments are dropped; roles and links
keep their text. Only what a Q&A page needs is rewritten: everything else passes through.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from qagraph.ingest.readers.base import Document, Reader
from qagraph.ingest.readers.text import read_rewritten

logger = logging.getLogger(__name__)

_ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::\s*(.*)$")
_COMMENT = re.compile(r"^(\s*)\.\.(\s|$)")
_CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode", "literalinclude"})
_NAV_DIRECTIVES = frozenset({"contents", "toctree", "sectnum", "role", "highlight", "index"})
_ROLE = re.compile(r":[\w:-]+:`([^`<]*?)(?:\s*<[^>]*>)?`")
_LINK = re.compile(r"`([^`<]+?)\s*<([^>]+)>`__?")
_REF = re.compile(r"`([^`]+)`_{1,2}")
_OPTION = re.compile(r"^\s+:[\w-]+:")
_LITERAL = re.compile(r"``([^`]+)``")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _inline(text: str) -> str:
    text = _LINK.sub(r"[\1](\2)", text)
    text = _ROLE.sub(lambda m: m.group(1), text)
    text = _REF.sub(r"\1", text)
    return _LITERAL.sub(r"`\1`", text)


def _block_end(lines: list[str], start: int, base: int) -> int:
    """Index after the indented block that starts at `start` (blank lines inside kept)."""
    end = j = start
    while j < len(lines):
        if lines[j].strip():
            if _indent(lines[j]) <= base:
                break
            end = j + 1
        j += 1
    return end


def rst_to_markdown(lines: list[str]) -> tuple[list[str], list[int]]:
    """Rewrite reStructuredText lines as markdown.

    Returns:
        The markdown lines and, for each, the 0-based index of its source line.
    """
    out: list[str] = []
    source: list[int] = []
    styles: list[tuple[str, bool]] = []

    def emit(text: str, src: int) -> None:
        out.append(text)
        source.append(src)

    i = 0
    while i < len(lines):
        line = lines[i]
        title = _title_at(lines, i)
        if title is not None:
            text_at, char, over, after = title
            style = (char, over)
            if style not in styles:
                styles.append(style)
            level = min(styles.index(style) + 1, 6)
            for j in range(i, after):
                emit(f"{'#' * level} {_inline(lines[j].strip())}" if j == text_at else "", j)
            i = after
            continue
        if m := _DIRECTIVE.match(line):
            base, name, arg = _indent(line), m.group(2).lower(), m.group(3).strip()
            end = _block_end(lines, i + 1, base)
            if name in _CODE_DIRECTIVES:
                body = [j for j in range(i + 1, end) if not _OPTION.match(lines[j])]
                emit(f"```{arg if name != 'literalinclude' else ''}", i)
                _emit_code(lines, body, emit)
                emit("```", max(body[-1] if body else i, i))
            elif name in _NAV_DIRECTIVES:
                for j in range(i, end):
                    emit("", j)
            else:  # note, warning, ...: keep the text, drop the directive's markup
                emit(_inline(arg), i)
                for j in range(i + 1, end):
                    text = lines[j].strip()
                    emit("" if text.startswith(":") and text.count(":") >= 2 else _inline(text), j)
            i = end
            continue
        if _COMMENT.match(line):
            end = _block_end(lines, i + 1, _indent(line))
            for j in range(i, end):
                emit("", j)
            i = end
            continue
        if line.rstrip().endswith("::") and line.strip() != "::" or line.strip() == "::":
            emit(_inline(line.rstrip()[:-1]) if line.strip() != "::" else "", i)
            end = _block_end(lines, i + 1, _indent(line))
            body = [j for j in range(i + 1, end)]
            if any(lines[j].strip() for j in body):
                emit("```", i)
                _emit_code(lines, body, emit)
                emit("```", body[-1])
                i = end
            else:
                i += 1
            continue
        if _ADORNMENT.match(line):  # a transition (horizontal rule)
            emit("", i)
            i += 1
            continue
        emit(_inline(line), i)
        i += 1
    return out, source


def _emit_code(lines: list[str], body: list[int], emit) -> None:
    """Emit a code block's lines dedented, without the blank lines around it."""
    filled = [j for j in body if lines[j].strip()]
    if not filled:
        return
    width = min(_indent(lines[j]) for j in filled)
    for j in range(filled[0], filled[-1] + 1):
        emit(lines[j][width:] if lines[j].strip() else "", j)


def _title_at(lines: list[str], i: int) -> tuple[int, str, bool, int] | None:
    """(title line, adornment char, overlined?, index after) if a section title starts here."""
    line = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if (m := _ADORNMENT.match(line)) and i + 2 < len(lines):
        text, under = lines[i + 1], lines[i + 2]
        if text.strip() and under.strip() == line.strip() and not _ADORNMENT.match(text):
            return i + 1, m.group(1), True, i + 3
        return None
    if line.strip() and not line[0].isspace() and (m := _ADORNMENT.match(nxt)):
        if len(nxt.rstrip()) >= min(len(line.rstrip()), 4) and not _ADORNMENT.match(line):
            return i, m.group(1), False, i + 2
    return None


class RstReader(Reader):
    """Reads .rst files as markdown, with a line map back to the original lines."""

    suffixes = (".rst", ".rest")
    format = "rst"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read and rewrite one reStructuredText file; see `Reader.read`."""
        return read_rewritten(path, name, self.format, rst_to_markdown)
