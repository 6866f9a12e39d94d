"""Find the parts of a parsed document that are navigation, not content.

A table of contents repeats the questions as links to the document's own anchors; a "back
to top" line links to an anchor; a row of badges is images in links. Kept as content they
turn into nodes titled "Table of Contents" or into hundreds of unanswered duplicates. All
of it is recognised by what the links point at, never by the words used.
"""

from __future__ import annotations

import logging
import re

from markdown_it.token import Token

from qagraph.ingest.split.tree import TreeBlock

logger = logging.getLogger(__name__)

# Share of a list's items (or a table's rows) that must be in-document links.
NAV_SHARE = 0.8
_WORD = re.compile(r"\w", re.UNICODE)
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*href\s*=\s*["']#[^"']*["'][^>]*>(.*?)</a\s*>""", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_TABLE_ANCHOR = re.compile(r"\]\(#[^)]*\)|href\s*=\s*[\"']#", re.I)


def _is_anchor(href: str | None) -> bool:
    return bool(href) and href.startswith("#")


def _link_parts(inline: tuple[Token, ...]) -> tuple[int, int, bool, bool]:
    """(anchor links, other links, word text outside links, images) of inline tokens."""
    anchors = others = 0
    text_outside = images = False
    depth = 0
    for tok in inline:
        if tok.type == "link_open":
            depth += 1
            if _is_anchor(tok.attrGet("href")):
                anchors += 1
            else:
                others += 1
        elif tok.type == "link_close":
            depth -= 1
        elif tok.type == "image":
            images = True
        elif tok.type in ("text", "code_inline") and depth == 0 and _WORD.search(tok.content):
            # Numbering ("1.") and arrows around a link do not make it prose.
            if re.sub(r"\d+[.)]?", "", tok.content).strip(" \t|-–—:·•*_()[]"):
                text_outside = True
        elif tok.type == "html_inline" and depth == 0:
            pass
    return anchors, others, text_outside, images


def _is_nav_line(inline: tuple[Token, ...]) -> bool:
    """A paragraph that is only links into the document ("Back to top", a TOC entry)."""
    anchors, others, text_outside, _ = _link_parts(inline)
    return anchors >= 1 and others == 0 and not text_outside


def _is_badges(inline: tuple[Token, ...]) -> bool:
    """A paragraph that is only images, linked or not (badges, logos)."""
    anchors, others, text_outside, images = _link_parts(inline)
    return (
        images
        and not text_outside
        and all(
            t.type in ("image", "link_open", "link_close", "softbreak", "text")
            and (t.type != "text" or not t.content.strip())
            for t in inline
        )
    )


def _item_lead(item: TreeBlock) -> TreeBlock | None:
    return next((c for c in item.children if c.kind == "paragraph"), None)


def _is_nav_list(block: TreeBlock) -> bool:
    leads = [_item_lead(b) for b in block.walk() if b.kind == "item"]
    if not leads:
        return False
    hits = sum(lead is not None and _is_nav_line(lead.inline) for lead in leads)
    return hits >= NAV_SHARE * len(leads)


def _is_nav_table(block: TreeBlock) -> bool:
    # Table rows have no blocks of their own; judge each source row by its links.
    rows = [r for r in block.text.splitlines() if r.strip()]
    return bool(rows) and sum(bool(_TABLE_ANCHOR.search(r)) for r in rows) >= len(rows) / 2


def _is_nav_html(block: TreeBlock) -> bool:
    """Raw HTML whose only words are inside links to the document's own anchors."""
    if not _HTML_ANCHOR.search(block.text):
        return False
    rest = _HTML_ANCHOR.sub(" ", block.text)
    return not _WORD.search(_TAG.sub(" ", rest))


def navigation_lines(blocks: list[TreeBlock], lines: list[str]) -> dict[int, str]:
    """Lines that are navigation, each with the reason it was judged so.

    Args:
        blocks: The parsed top-level blocks of the document.
        lines: The document's lines (tables are judged on their source rows).

    Returns:
        For each 0-based navigation line, a short reason ("table of contents", ...).
    """
    found: dict[int, str] = {}

    def mark(block: TreeBlock, reason: str) -> None:
        for i in range(block.start, block.end):
            if lines[i].strip():
                found.setdefault(i, reason)

    def visit(block: TreeBlock) -> None:
        if block.kind == "list" and _is_nav_list(block):
            mark(block, "table of contents: a list of links to this document's headings")
            return
        if block.kind == "table":
            rows = TreeBlock(
                "table", block.start, block.end, text="\n".join(lines[block.start : block.end])
            )
            if _is_nav_table(rows):
                mark(block, "table of contents: a table of links to this document's headings")
                return
        if block.kind == "paragraph" and _is_nav_line(block.inline):
            mark(block, "link back into the document")
            return
        if block.kind == "paragraph" and _is_badges(block.inline):
            mark(block, "badges or images only")
            return
        if block.kind == "html" and _is_nav_html(block):
            mark(block, "link back into the document")
            return
        for child in block.children:
            visit(child)

    for block in blocks:
        visit(block)
    _mark_nav_folds(blocks, found)
    _mark_nav_headings(blocks, lines, found)
    return found


def _mark_nav_headings(blocks: list[TreeBlock], lines: list[str], found: dict[int, str]) -> None:
    """A heading whose section holds nothing but navigation is navigation too."""
    tops = [b for b in blocks if b.kind != "html" or b.text.strip()]
    for k, block in enumerate(tops):
        if block.kind != "heading":
            continue
        section = []
        for nxt in tops[k + 1 :]:
            if nxt.kind == "heading":
                break
            section.append(nxt)
        content = [
            b
            for b in section
            if b.kind != "hr" and not (b.kind == "html" and _is_markup_only(b.text))
        ]
        nav = [
            b for b in content if all(i in found for i in range(b.start, b.end) if lines[i].strip())
        ]
        if nav and len(nav) == len(content):
            found.setdefault(block.start, "heading of a table of contents")


def _mark_nav_folds(blocks: list[TreeBlock], found: dict[int, str]) -> None:
    """A `<details>` fold whose body is navigation: its `<summary>` line is too."""
    tops = list(blocks)
    for k, block in enumerate(tops):
        if block.kind != "html" or "<summary" not in block.text.lower():
            continue
        body = tops[k + 1 : k + 2]
        if body and body[0].start in found:
            for i in range(block.start, block.end):
                found.setdefault(i, "folded table of contents")


def _is_markup_only(text: str) -> bool:
    return not _WORD.search(_TAG.sub(" ", text))


def toc_targets(blocks: list[TreeBlock]) -> set[str]:
    """Anchors (without '#') that the top-level items of a table of contents link to.

    Only top-level items: the nested ones of a table of contents point at sub-headings
    inside answers, which are no entries of their own.
    """
    targets: set[str] = set()

    def visit(block: TreeBlock) -> None:
        if block.kind == "list" and _is_nav_list(block):
            for item in block.children:  # not into the nested lists
                lead = _item_lead(item)
                for tok in lead.inline if lead is not None else ():
                    href = tok.attrGet("href") if tok.type == "link_open" else None
                    if _is_anchor(href):
                        targets.add(str(href)[1:].casefold())
            return
        for child in block.children:
            visit(child)

    for block in blocks:
        visit(block)
    return targets


def heading_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"<[^>]+>", "", text).strip().casefold()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")
