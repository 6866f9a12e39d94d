"""MDX reader: markdown with JSX components, rewritten as plain markdown line for line.

MDX pages (documentation sites, course quizzes) put content inside JSX components: a quiz
question's choices and explanations are string props of objects in an array prop. The
splitter reads markdown, so each component is rewritten in place: the string fields of
every object it holds become one bullet ("text — explanation", "(correct)" for a true
`correct`-like flag), a component holding no text becomes blank lines, and `import` /
`export` lines go. Component names are never looked at; only the shape of the props.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from qagraph.ingest.readers.base import Document, Reader
from qagraph.ingest.readers.text import read_rewritten

logger = logging.getLogger(__name__)

_COMPONENT = re.compile(r"^\s*<([A-Z][\w.]*)\b")
_CLOSING = re.compile(r"^\s*</[A-Z][\w.]*\s*>\s*$")
_MODULE_LINE = re.compile(r"^(import|export)\s")
_OBJECT = re.compile(r"\{([^{}]*)\}")
_STRING_FIELD = re.compile(r"""(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)""")
_TRUE_FIELD = re.compile(r"(\w+)\s*:\s*true\b")


def _tag_end(lines: list[str], start: int) -> tuple[int, bool]:
    """(last line of the opening tag that starts at `start`, whether it closes itself)."""
    depth, quote = 0, ""
    for i in range(start, len(lines)):
        line = lines[i]
        for j, ch in enumerate(line):
            if quote:
                if ch == quote and line[j - 1 : j] != "\\":
                    quote = ""
            elif ch in "\"'`" and depth:
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == ">" and depth == 0 and j > 0:
                return i, line[j - 1] == "/"
    return len(lines) - 1, True


def _unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"').replace("\\'", "'")


def _render(props: str) -> list[str]:
    """One bullet per object of string fields in the props."""
    bullets = []
    for obj in _OBJECT.finditer(props):
        fields = [_unquote(m.group(2)) for m in _STRING_FIELD.finditer(obj.group(1))]
        if not fields:
            continue
        flags = [m.group(1) for m in _TRUE_FIELD.finditer(obj.group(1))]
        flag = f" ({', '.join(flags)})" if flags else ""
        bullets.append("- " + " — ".join(fields) + flag)
    return bullets


def mdx_to_markdown(lines: list[str]) -> tuple[list[str], list[int]]:
    """Rewrite MDX lines as markdown; returns the lines and each one's 0-based source."""
    out: list[str] = []
    source: list[int] = []
    i, fence = 0, ""
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if fence or stripped.startswith(("```", "~~~")):
            if stripped.startswith(("```", "~~~")):
                fence = "" if fence and stripped.startswith(fence) else (fence or stripped[:3])
            out.append(line)
            source.append(i)
            i += 1
            continue
        if _COMPONENT.match(line):
            end, _ = _tag_end(lines, i)
            bullets = _render("\n".join(lines[i : end + 1]))
            span = list(range(i, end + 1))
            for k, src in enumerate(span):
                out.append(bullets[k] if k < len(bullets) and len(span) >= len(bullets) else "")
                source.append(src)
            if len(bullets) > len(span):  # more bullets than lines: all on the last line
                out[len(out) - len(span) :] = bullets[: len(span) - 1] + [
                    "\n".join(bullets[len(span) - 1 :])
                ]
            i = end + 1
            continue
        if _CLOSING.match(line) or (_MODULE_LINE.match(line) and not out):
            out.append("")
        else:
            out.append(line)
        source.append(i)
        i += 1
    flat: list[str] = []
    flat_source: list[int] = []
    for text, src in zip(out, source, strict=True):
        for piece in text.split("\n"):
            flat.append(piece)
            flat_source.append(src)
    return flat, flat_source


class MdxReader(Reader):
    """Reads .mdx pages as markdown, their components' text as bullets."""

    suffixes = (".mdx",)
    format = "markdown"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read and rewrite one MDX file; see `Reader.read`."""
        return read_rewritten(path, name, self.format, mdx_to_markdown)
