"""Markdown conversion for the HTML reader: markdownify set up for the reader, and the
reshaping of the page it needs first.

The converter writes ATX headings, "-" bullets and fenced code, and puts a line marker
(see `html_lines`) before every block element, so the block's output lines can be traced
to its source line. Before conversion, multi-line `<code>` written without `<pre>` is
fenced and list items outside any list are put into one, so both render as they show in
a browser.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

from qagraph.ingest.readers.html_lines import marker

_NEWLINES_RE = re.compile(r"^(\n*)(.*?)(\n*)$", re.DOTALL)
_BLOCK_TAGS = frozenset(
    "p div section article main header aside blockquote ul ol li dl dt dd table tr "
    "details summary figure figcaption hr address h1 h2 h3 h4 h5 h6".split()
)
# The lists markdownify knows; an <li> anywhere else (a <menu> too) is a stray.
_LIST_TAGS = frozenset({"ul", "ol"})


def _code_language(el: Tag) -> str:
    for tag in (el, el.find("code")):
        classes = (tag.get("class") or ()) if isinstance(tag, Tag) else ()
        for cls in classes:
            for prefix in ("language-", "lang-"):
                if cls.startswith(prefix):
                    return cls[len(prefix) :]
    return ""


class Converter(MarkdownConverter):
    """markdownify with ATX headings, "-" bullets, fenced code and line markers."""

    def __init__(self) -> None:
        # No escaping of * and _: the text feeds lexical search and concept extraction,
        # where "p\\_value" would no longer match "p_value" from a plain-text source.
        super().__init__(
            heading_style="ATX",
            bullets="-",
            escape_asterisks=False,
            escape_underscores=False,
            table_infer_header=True,
        )

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        text = super().process_tag(node, parent_tags)
        line = getattr(node, "sourceline", None)
        parents = parent_tags or set()
        if (
            line is None
            or node.name not in _BLOCK_TAGS
            or "_inline" in parents
            or "pre" in parents
            or not text.strip()
        ):
            return text
        lead, content, trail = _NEWLINES_RE.match(text).groups()
        return f"{lead}{marker(line)}{content}{trail}"

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if not text.strip():
            return ""
        if "_inline" in parent_tags:
            return f" `{' '.join(text.split())}` "
        # Blank lines right after <pre> are dropped, and counted so code lines keep their
        # own source line numbers. Leading spaces on the first code line are indentation.
        lead = re.match(r"^[ \t\n]*\n", text)
        start = (el.sourceline or 1) + (lead.group().count("\n") if lead else 0)
        code = text[lead.end() if lead else 0 :].rstrip()
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        body = "\n".join(marker(start + i) + line for i, line in enumerate(code.split("\n")))
        head = marker(el.sourceline or start) + fence + _code_language(el)
        return f"\n\n{head}\n{body}\n{fence}\n\n"

    def convert_summary(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        plain = " ".join(el.get_text().split())
        if not plain:
            return ""
        if "_inline" in parent_tags:
            return f" {plain} "
        return f"\n\n**{plain}**\n\n"

    def convert_details(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = text.strip()
        if "_inline" in parent_tags:
            return f" {text} "
        return f"\n\n{text}\n\n" if text else ""

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = (el.get("href") or "").strip()
        # In-page anchors and script links lead nowhere outside the page: keep the text.
        if not href or href.startswith(("#", "javascript:")):
            return text
        return super().convert_a(el, text, parent_tags)

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        item = super().convert_li(el, text, parent_tags)
        if not _opens_with_list(el):
            return item
        # An item holding nothing before its nested list only nests it (editors indent
        # lists this way): its marker would share the line with the nested item's own,
        # where the splitter would read the second marker, a number the source does not
        # have, as the question's first word. So it gets no marker: its list sits under
        # the item before it, or, with none before it, in the item's place.
        if el.find_previous_sibling("li") is None:
            return f"{text.strip()}\n"
        bullet = item[: item.index(" ") + 1]
        return " " * len(bullet) + item[len(bullet) :]

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_td(el, text.replace("|", "\\|"), parent_tags)

    def convert_th(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return super().convert_th(el, text.replace("|", "\\|"), parent_tags)


def _opens_with_list(tag: Tag) -> bool:
    """Whether the first thing in `tag` that shows any text is a list (maybe in a <div>)."""
    for child in tag.children:
        if isinstance(child, Comment) or not child.get_text().strip():
            continue
        if not isinstance(child, Tag):
            return False
        return child.name in _LIST_TAGS or _opens_with_list(child)
    return False


def prepare_for_markdown(soup: BeautifulSoup) -> None:
    """Fence multi-line `<code>` that stands alone, and put stray `<li>` into lists."""
    for code in soup.find_all("code"):
        # A multi-line <code> standing between blocks is a code block written without
        # <pre>; inside running text it stays an inline code span.
        if (
            code.find_parent("pre") is None
            and "\n" in code.get_text().strip()
            and _stands_alone(code)
        ):
            code.wrap(soup.new_tag("pre", sourceline=code.sourceline))
    _wrap_stray_items(soup)


def _stands_alone(tag: Tag) -> bool:
    """Whether `tag`'s nearest non-blank siblings are block elements (or there are none)."""
    for step in ("previous_sibling", "next_sibling"):
        sibling = getattr(tag, step)
        while isinstance(sibling, NavigableString) and not sibling.strip():
            sibling = getattr(sibling, step)
        if sibling is not None and not (
            isinstance(sibling, Tag) and sibling.name in _BLOCK_TAGS | {"pre", "br"}
        ):
            return False
    return True


def _wrap_stray_items(soup: BeautifulSoup) -> None:
    """Put each run of `<li>` outside any list into a `<ul>` of its own.

    markdownify leaves the line breaks around an item to its list, so a stray item
    would be glued to the text before it ("intro- What is X?"), and cited at that text's
    line. Browsers show such items as bullets, so a bulleted list is what they are.
    """
    for item in soup.find_all("li"):
        if item.parent is None or item.parent.name in _LIST_TAGS:
            continue
        run = [item]
        sibling = item.next_sibling
        while sibling is not None:
            if isinstance(sibling, Tag) and sibling.name == "li":
                run.append(sibling)
            elif not (isinstance(sibling, NavigableString) and not sibling.strip()):
                break
            sibling = sibling.next_sibling
        wrapper = item.wrap(soup.new_tag("ul", sourceline=item.sourceline))
        for later in run[1:]:
            wrapper.append(later.extract())
