"""Source lines for the HTML reader: line markers, where text starts, and reading them back.

Before conversion every text line and every block element gets an invisible marker: two
private-use characters around its source line number. markdownify carries the markers
along like ordinary text; `finish_lines` then gives each output line the line of the last
marker before its content (past any bullet or quote prefix), and the line's end from the
largest marker on it, and removes the markers.
"""

from __future__ import annotations

import bisect
import re
from html import unescape

from bs4 import BeautifulSoup, NavigableString, Tag

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER_RE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_WORD_RE = re.compile(r"\w+")
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_PREFIX_RE = re.compile(r"[ \t]*(?:(?:[-*+>:]|\d{1,9}[.)])(?:[ \t]+|$))*")
# Text inside these gets no markers of its own: it is rendered on one line anyway (cells,
# headings, summaries), copied verbatim (code), or compared with the href (links).
_ONE_LINE_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "summary", "td", "th", "dt"]
_NO_TEXT_MARKERS = frozenset("pre code kbd samp a summary td th h1 h2 h3 h4 h5 h6".split())


def marker(line: int) -> str:
    """The invisible marker for source line `line`."""
    return f"{_OPEN}{line}{_CLOSE}"


def without_marker_chars(source: str) -> str:
    """`source` with the marker characters replaced, so no marker is read from the page."""
    return source.replace(_OPEN, "\ufffd").replace(_CLOSE, "\ufffd")


def text_start_lines(soup: BeautifulSoup, source: str) -> dict[int, int]:
    """Source line where each string of the tree starts, keyed by `id(string)`.

    html.parser records where tags start, not strings, and BeautifulSoup folds
    whitespace-only strings to one newline, so lines cannot be counted through them.
    Instead each string's first word is looked up in the source between the tag before it
    (past that tag's ">") and the tag after it, with entities decoded: a word written as
    an entity ("&eacute;") would otherwise be found further down, where it is written
    plainly, and take every later string with it.

    Args:
        soup: The parsed page, before anything is dropped from it.
        source: The HTML it was parsed from.

    Returns:
        The 1-based start line of every string whose first word was found.
    """
    line_starts = [0]
    for m in re.finditer("\n", source):
        line_starts.append(m.end())

    def position(tag: Tag) -> int | None:
        if tag.sourceline is None:
            return None
        return line_starts[min(tag.sourceline, len(line_starts)) - 1] + (tag.sourcepos or 0)

    elements = list(soup.descendants)
    # Where the next tag starts, after each element: a string's text lies before it.
    bounds, bound = [0] * len(elements), len(source)
    for i in range(len(elements) - 1, -1, -1):
        bounds[i] = bound
        at = position(elements[i]) if isinstance(elements[i], Tag) else None
        bound = bound if at is None else at
    starts: dict[int, int] = {}
    cursor = 0
    for el, bound in zip(elements, bounds, strict=True):
        if isinstance(el, Tag):
            at = position(el)
            if at is not None:
                end = source.find(">", at)
                cursor = max(cursor, end + 1 if end >= 0 else at)
            continue
        word = _WORD_RE.search(el)
        if word is None:
            continue
        window = unescape(source[cursor:bound])
        found = window.find(word.group())
        if found < 0:
            continue
        line = (
            bisect.bisect_right(line_starts, cursor)
            + window.count("\n", 0, found)
            - el.count("\n", 0, word.start())
        )
        starts[id(el)] = max(1, line)
        # Decoding only shortens text, so this stays at or before the word's end in source.
        cursor += found + len(word.group())
    return starts


def mark_text_lines(soup: BeautifulSoup, starts: dict[int, int]) -> None:
    """Put a marker before every text line, and fix the lines of one-line elements.

    Args:
        soup: The page, ready for conversion but for the markers.
        starts: Each string's start line, from `text_start_lines`.
    """
    # A heading, summary or cell is rendered on one line and cited at its tag's line; when
    # its text starts lower down ("<h2>" alone on a line), cite the text's line instead.
    # When its text ends lower down, a marker after it carries that line to the line's end
    # (added last, so that no text marker is put into it).
    ends: list[tuple[Tag, int]] = []
    for tag in soup.find_all(_ONE_LINE_TAGS):
        texts = [t for t in tag.find_all(string=True) if t.strip() and id(t) in starts]
        if not texts or tag.sourceline is None:
            continue
        first, last = texts[0], texts[-1]
        lead = len(first) - len(first.lstrip())
        tag.sourceline = max(tag.sourceline, starts[id(first)] + first.count("\n", 0, lead))
        end = starts[id(last)] + last.count("\n", 0, len(last.rstrip()))
        if end > tag.sourceline:
            ends.append((tag, end))
    for string in list(soup.find_all(string=True)):
        if type(string) is not NavigableString or not string.strip() or id(string) not in starts:
            continue
        if any(parent.name in _NO_TEXT_MARKERS for parent in string.parents):
            continue
        start, pieces = starts[id(string)], []
        for i, piece in enumerate(string.split("\n")):
            content = piece.lstrip()
            if content:
                piece = piece[: len(piece) - len(content)] + marker(start + i) + content
            pieces.append(piece)
        string.replace_with(NavigableString("\n".join(pieces)))
    for tag, end in ends:
        tag.append(NavigableString(marker(end)))


def finish_lines(markdown: str, n_lines: int) -> tuple[list[str], list[int], list[int]]:
    """Strip the markers, assign source lines (first and last), and tidy blank lines
    outside code fences.

    Args:
        markdown: markdownify's output, markers and all.
        n_lines: The source's line count, which no line number may pass.

    Returns:
        The markdown lines, and for each the source line it starts on and the last one
        it draws on.
    """
    first = _MARKER_RE.search(markdown)
    current = int(first.group(1)) if first else 1
    lines: list[str] = []
    line_map: list[int] = []
    line_ends: list[int] = []
    fence = ""
    for raw in markdown.split("\n"):
        parts = _MARKER_RE.split(raw)
        # The line's source is the last marker before its content, looking past markdown
        # prefixes (bullets, "> ", ": "): those come from the enclosing element, while the
        # text after them may sit on a later source line. Without one, the line continues
        # whatever came before it.
        content_at = _PREFIX_RE.match("".join(parts[::2])).end()
        here, at, reach = current, 0, 0
        for i, part in enumerate(parts):
            if i % 2 == 0:
                at += len(part)
                continue
            if at <= content_at:
                here = int(part)
            current = max(current, int(part))
            reach = max(reach, int(part))
        text = "".join(parts[::2])
        mapped = min(max(here, line_map[-1] if line_map else 1), n_lines)
        if fence:
            fence = "" if text.strip() == fence else fence
        elif match := _FENCE_RE.match(text):
            fence = match.group(1)
        elif not text.strip():
            # Runs of blank lines collapse to one (never inside code, where they matter).
            if not lines or not lines[-1]:
                continue
            text = ""
        lines.append(text)
        line_map.append(mapped)
        # Every marker on the line is text of the line: the furthest is where it ends.
        line_ends.append(min(max(mapped, reach), n_lines))
    while lines and not lines[-1].strip():
        lines.pop()
        line_map.pop()
        line_ends.pop()
    return lines, line_map, line_ends
