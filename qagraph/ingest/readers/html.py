"""HTML reader: converts a page to markdown and maps every output line to its source line.

markdownify does the formatting. The line numbers come from the parser: before conversion,
every text line and every block element gets an invisible marker (two private-use
characters around its source line number, from `Tag.sourceline`). markdownify carries the
markers along like ordinary text; afterwards each output line takes the line of the last
marker before its content (past any bullet or quote prefix), and the markers are removed.
A line that joins several source lines (a table row whose cells span lines) also records
the last of them, from the largest marker on it: its citation has to reach that far.

Web pages carry more than their content, so the reader keeps to the main content the way
reader modes do: when the page marks it (one `<main>` or `role="main"`, else one top-level
`<article>`), only that is read; page furniture is dropped wherever it is (navigation,
footers, `<aside>`, ARIA banner/navigation/complementary/search/contentinfo regions, hidden
elements, and blocks whose class or id names a sidebar, breadcrumbs, cookie notice, share
buttons, comments or the like). Comments in the HTML never reach the text.
"""

from __future__ import annotations

import bisect
import logging
import re
from html import unescape
from pathlib import Path
from typing import NamedTuple

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdownify import MarkdownConverter

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.text import decode_bytes, normalize_newlines, read_bytes

logger = logging.getLogger(__name__)

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER_RE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_NEWLINES_RE = re.compile(r"^(\n*)(.*?)(\n*)$", re.DOTALL)
_WORD_RE = re.compile(r"\w+")
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_PREFIX_RE = re.compile(r"[ \t]*(?:(?:[-*+>:]|\d{1,9}[.)])(?:[ \t]+|$))*")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
# Page furniture, not content. (<header> stays: it often holds the page's h1.)
_DROP_TAGS = ["script", "style", "nav", "footer", "head", "noscript", "template", "svg"]
_BLOCK_TAGS = frozenset(
    "p div section article main header aside blockquote ul ol li dl dt dd table tr "
    "details summary figure figcaption hr address h1 h2 h3 h4 h5 h6".split()
)
# Text inside these gets no markers of its own: it is rendered on one line anyway (cells,
# headings, summaries), copied verbatim (code), or compared with the href (links).
_ONE_LINE_TAGS = ["h1", "h2", "h3", "h4", "h5", "h6", "summary", "td", "th", "dt"]
_NO_TEXT_MARKERS = frozenset("pre code kbd samp a summary td th h1 h2 h3 h4 h5 h6".split())
# The lists markdownify knows; an <li> anywhere else (a <menu> too) is a stray.
_LIST_TAGS = frozenset({"ul", "ol"})
# Page furniture by ARIA role, and by a class or id naming it (whole names, any case).
_FURNITURE_ROLES = frozenset("navigation banner complementary search contentinfo".split())
_FURNITURE_NAMES = frozenset(
    """sidebar side-bar breadcrumb breadcrumbs cookie-banner cookie-notice cookie-consent
    cookies share-buttons sharing social-share social-links related-posts newsletter
    advert advertisement ad-slot comments comment-section disqus_thread site-header
    site-footer site-nav navbar skip-link skip-to-content""".split()
)


def _marker(line: int) -> str:
    return f"{_OPEN}{line}{_CLOSE}"


def _code_language(el: Tag) -> str:
    for tag in (el, el.find("code")):
        classes = (tag.get("class") or ()) if isinstance(tag, Tag) else ()
        for cls in classes:
            for prefix in ("language-", "lang-"):
                if cls.startswith(prefix):
                    return cls[len(prefix) :]
    return ""


class _Converter(MarkdownConverter):
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
        return f"{lead}{_marker(line)}{content}{trail}"

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
        body = "\n".join(_marker(start + i) + line for i, line in enumerate(code.split("\n")))
        head = _marker(el.sourceline or start) + fence + _code_language(el)
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


def _text_start_lines(soup: BeautifulSoup, source: str) -> dict[int, int]:
    """Source line where each string of the tree starts, keyed by `id(string)`.

    html.parser records where tags start, not strings, and BeautifulSoup folds
    whitespace-only strings to one newline, so lines cannot be counted through them.
    Instead each string's first word is looked up in the source between the tag before it
    (past that tag's ">") and the tag after it, with entities decoded: a word written as
    an entity ("&eacute;") would otherwise be found further down, where it is written
    plainly, and take every later string with it.
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


def _opens_with_list(tag: Tag) -> bool:
    """Whether the first thing in `tag` that shows any text is a list (maybe in a <div>)."""
    for child in tag.children:
        if isinstance(child, Comment) or not child.get_text().strip():
            continue
        if not isinstance(child, Tag):
            return False
        return child.name in _LIST_TAGS or _opens_with_list(child)
    return False


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


def _prepare(soup: BeautifulSoup, source: str) -> None:
    """Drop page furniture, fence multi-line <code>, and mark every text line."""
    starts = _text_start_lines(soup, source)  # before dropping: drops shift nothing then
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_furniture(t)]:
        if not tag.decomposed:
            tag.decompose()
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
                piece = piece[: len(piece) - len(content)] + _marker(start + i) + content
            pieces.append(piece)
        string.replace_with(NavigableString("\n".join(pieces)))
    for tag, end in ends:
        tag.append(NavigableString(_marker(end)))


def _is_furniture(tag: Tag) -> bool:
    """Whether `tag` is page furniture around the content (see the module doc)."""
    if tag.name in ("aside", "body", "html"):
        return tag.name == "aside"
    attrs = tag.attrs or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if str(attrs.get("role", "")).strip().lower() in _FURNITURE_ROLES:
        return True
    names = [*(attrs.get("class") or ()), *str(attrs.get("id", "")).split()]
    return any(name.lower() in _FURNITURE_NAMES for name in names)


def main_content(soup: BeautifulSoup) -> Tag:
    """The element holding the page's content: its one `<main>` (or `role="main"`), else
    its one top-level `<article>`, else the body."""
    body = soup.body or soup
    mains = soup.find_all(lambda t: t.name == "main" or t.get("role") == "main")
    mains = [m for m in mains if not any(p in mains for p in m.parents)]
    if len(mains) == 1 and mains[0].get_text(strip=True):
        return mains[0]
    articles = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    if len(articles) == 1 and articles[0].get_text(strip=True):
        return articles[0]
    return body


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


def _finish(markdown: str, n_lines: int) -> tuple[list[str], list[int], list[int]]:
    """Strip the markers, assign source lines (first and last), and tidy blank lines
    outside code fences."""
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
    source = source.replace(_OPEN, "\ufffd").replace(_CLOSE, "\ufffd")
    n_lines = max(1, len(source.splitlines()))
    soup = BeautifulSoup(source, "html.parser")
    _prepare(soup, source)
    root = main_content(soup)
    markdown = _Converter().convert_soup(root)
    # Entities can smuggle in \r or U+2028; non-breaking spaces would defeat plain-space
    # patterns in the splitter.
    markdown = normalize_newlines(markdown).replace("\xa0", " ")
    lines, line_map, line_ends = _finish(markdown, n_lines)
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
