"""Parse markdown with a CommonMark parser into a tree of blocks that keep their lines.

markdown-it-py gives every block token a `.map` (first line, line after the last), so the
tree knows for certain what a line-based guess can get wrong: where a code fence ends (at
the end of its list item when it is left open), which lines are raw HTML, which headings
are written as `<h3>` tags, and which links point back into the document. The rest of the
splitter reads these facts (`LineFacts`) instead of guessing them again.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

logger = logging.getLogger(__name__)

_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class TreeBlock:
    """One block of the parsed document.

    Attributes:
        kind: "heading", "paragraph", "list", "item", "fence", "code", "html", "table",
            "hr" or "quote".
        start: 0-based index of the first line.
        end: 0-based index one past the last line.
        level: Heading level (1-6) for headings, nesting depth for lists and items.
        inline: The inline tokens of a heading or paragraph (links, images, text).
        text: Source text of a heading, paragraph or raw HTML block.
        children: Blocks nested inside (items of a list, blocks of an item or quote).
    """

    kind: str
    start: int
    end: int
    level: int = 0
    inline: tuple[Token, ...] = ()
    text: str = ""
    children: tuple[TreeBlock, ...] = field(default_factory=tuple)

    def walk(self):
        """This block and every block nested in it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


_OPEN_KINDS = {
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "list_item_open": "item",
    "blockquote_open": "quote",
    "table_open": "table",
    "heading_open": "heading",
    "paragraph_open": "paragraph",
}
_LEAF_KINDS = {"fence": "fence", "code_block": "code", "html_block": "html", "hr": "hr"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def parse_blocks(text: str) -> list[TreeBlock]:
    """Parse markdown `text` into its top-level blocks (with nested children)."""
    tokens = _parser().parse(text)
    blocks, _ = _build(tokens, 0, depth=0)
    return blocks


def _build(tokens: list[Token], i: int, *, depth: int) -> tuple[list[TreeBlock], int]:
    out: list[TreeBlock] = []
    while i < len(tokens):
        tok = tokens[i]
        if tok.nesting == -1:
            return out, i + 1
        if tok.type in _LEAF_KINDS and tok.map:
            out.append(
                TreeBlock(_LEAF_KINDS[tok.type], tok.map[0], tok.map[1], depth, text=tok.content)
            )
            i += 1
            continue
        kind = _OPEN_KINDS.get(tok.type)
        if tok.nesting == 1 and kind in ("heading", "paragraph"):
            inline = tokens[i + 1]
            level = int(tok.tag[1]) if kind == "heading" else depth
            start, end = tok.map or (0, 0)
            out.append(
                TreeBlock(kind, start, end, level, tuple(inline.children or ()), inline.content)
            )
            i += 3  # open, inline, close
            continue
        if tok.nesting == 1:
            children, i = _build(tokens, i + 1, depth=depth + (kind == "list"))
            if kind is not None and tok.map:
                out.append(TreeBlock(kind, tok.map[0], tok.map[1], depth, children=tuple(children)))
            else:
                out.extend(children)  # table rows and cells: keep what they hold
            continue
        i += 1
    return out, i


def all_blocks(blocks: list[TreeBlock]) -> list[TreeBlock]:
    """Every block of the tree, in document order."""
    return [b for top in blocks for b in top.walk()]


@dataclass(frozen=True, slots=True)
class HtmlHeading:
    """A heading written as an HTML tag inside a raw HTML block."""

    line: int
    level: int
    title: str
    span: tuple[int, int]


def html_headings(block: TreeBlock) -> list[HtmlHeading]:
    """The `<h1>`..`<h6>` headings of a raw HTML block, each on the line its text starts."""
    found = []
    for m in _HTML_HEADING.finditer(block.text):
        inner = m.group(2)
        title = " ".join(html.unescape(_TAG.sub(" ", inner)).split())
        if not title:
            continue
        lead = len(inner) - len(inner.lstrip())
        first = block.start + block.text.count("\n", 0, m.start(2) + lead)
        last = block.start + block.text.count("\n", 0, m.end())
        opening = block.start + block.text.count("\n", 0, m.start())
        found.append(HtmlHeading(first, int(m.group(1)), title, (opening, last)))
    return found
