"""Markdown-to-plain-text pieces shared by the ingest steps that read an answer's prose.

Each caller keeps its own splitting rules (into segments, claims, cues); what is the same
everywhere is here: fenced code, links and URLs, code spans, list markers and white space.
"""

from __future__ import annotations

import re

FENCE_RE = re.compile(r"^\s*(```|~~~)")
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
URL_RE = re.compile(r"https?://\S+|www\.\S+")
LINK_OR_URL_RE = re.compile(f"{LINK_RE.pattern}|{URL_RE.pattern}")
# A code span; group 1 is its content.
INLINE_CODE_RE = re.compile(r"`([^`]*)`")
# A bullet or a number ("-", "*", "\u2022", "3.", "2)") that opens a list item.
LIST_MARK = r"(?:[-*+\u2022\u25cf\u25aa]|\d{1,3}[.)])"


def prose_lines(markdown: str) -> list[str]:
    """The lines of a markdown text with fence lines and fenced code blanked out.

    Blank lines stand in for the code, so that the line count and the breaks between
    paragraphs and tables stay as they were.
    """
    out: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        if FENCE_RE.match(line):
            in_code = not in_code
            out.append("")
        else:
            out.append("" if in_code else line)
    return out


def unlink(text: str) -> str:
    """Text with markdown links reduced to their label and bare URLs removed."""
    return URL_RE.sub(" ", LINK_RE.sub(r"\1", text))


def squash_spaces(text: str) -> str:
    """Text with every run of white space (no-break spaces too) made one space, trimmed."""
    return " ".join(text.replace("\u00a0", " ").split())
