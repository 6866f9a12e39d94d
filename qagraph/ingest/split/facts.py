"""What the parse tree says about each line, for the line classifier to take as given.

The classifier (`lines`) still gives every line a kind, but where the parser knows better
it does not guess: code is what the parser calls code (a fence left open inside a list
item ends with the item, as on GitHub), a heading written as an `<h3>` tag is a heading,
and navigation is dropped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from qagraph.ingest.split.navigation import heading_slug, navigation_lines, toc_targets
from qagraph.ingest.split.tree import TreeBlock, all_blocks, html_headings, parse_blocks

logger = logging.getLogger(__name__)

# A table of contents must list this many headings of one level to make them entries.
MIN_ENTRIES = 3
_EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:name|id)\s*=\s*["']([^"']+)["']|\{#([^}\s]+)\}""", re.I)
_FENCE_CLOSE = re.compile(r"^\s*(`{3,}|~{3,})\s*$")


@dataclass(frozen=True, slots=True)
class LineFacts:
    """Line-level facts from the parse tree (0-based line indexes).

    Attributes:
        fences: Lines that open or close a code fence.
        code: Lines of code (inside a fence, or an indented code block).
        headings: Headings written as HTML tags: line -> (level, title).
        navigation: Navigation lines (tables of contents, links back to the top, badges),
            each with the reason.
        entries: Headings that the document's table of contents lists (its entries),
            where it lists at least `MIN_ENTRIES` headings of one level.
        blocks: The parsed top-level blocks.
    """

    fences: frozenset[int] = frozenset()
    code: frozenset[int] = frozenset()
    headings: dict[int, tuple[int, str]] = field(default_factory=dict)
    navigation: dict[int, str] = field(default_factory=dict)
    entries: frozenset[int] = frozenset()
    blocks: tuple[TreeBlock, ...] = ()


def line_facts(lines: list[str]) -> LineFacts:
    """Parse the markdown `lines` and collect what the tree knows about each line."""
    blocks = parse_blocks("\n".join(lines))
    fences: set[int] = set()
    code: set[int] = set()
    headings: dict[int, tuple[int, str]] = {}
    anchored: list[tuple[int, int, set[str]]] = []  # heading line, level, its anchors
    for block in all_blocks(blocks):
        if block.kind == "heading":
            names = {heading_slug(block.text)}
            names.update(a or b for a, b in _EXPLICIT_ANCHOR.findall(block.text))
            anchored.append((block.start, block.level, {n.casefold() for n in names}))
        if block.kind == "fence":
            fences.add(block.start)
            last = block.end - 1
            closed = last > block.start and _FENCE_CLOSE.match(lines[last])
            if closed:
                fences.add(last)
            code.update(range(block.start + 1, last if closed else block.end))
        elif block.kind == "code":
            code.update(i for i in range(block.start, block.end) if lines[i].strip())
        elif block.kind == "html":
            for head in html_headings(block):
                headings[head.line] = (head.level, head.title)
                names = {heading_slug(head.title)}
                opening = lines[head.span[0]]
                names.update(a or b for a, b in _EXPLICIT_ANCHOR.findall(opening))
                names.update(re.findall(r"""\bid\s*=\s*["']([^"']+)""", opening))
                anchored.append((head.line, head.level, {n.casefold() for n in names}))
    navigation = navigation_lines(blocks, lines)
    return LineFacts(
        frozenset(fences),
        frozenset(code),
        headings,
        navigation,
        _entries(anchored, toc_targets(blocks)),
        tuple(blocks),
    )


def _entries(anchored: list[tuple[int, int, set[str]]], targets: set[str]) -> frozenset[int]:
    listed = [(line, level) for line, level, names in anchored if names & targets]
    by_level: dict[int, list[int]] = {}
    for line, level in listed:
        by_level.setdefault(level, []).append(line)
    return frozenset(
        line for lines in by_level.values() if len(lines) >= MIN_ENTRIES for line in lines
    )
