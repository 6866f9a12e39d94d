"""Stored text as markdown that makes the reader's browser fetch nothing and run nothing.

Documents are untrusted: an answer may hold `<img src="http://host/pixel.png">`,
`![x](https://host/p.png)`, `<script>`, `onerror=` handlers or `javascript:` links. The app
renders answers as markdown with HTML, so without care every reader's browser would load
the pixel (with a Referer naming the app) as soon as the answer is shown. `safe_markdown`
rewrites the text so that, rendered:

- no image loads: each becomes a placeholder naming where it lives, "[image: host/p.png]",
  a link the reader may click when it points to the web, plain text otherwise (the app
  serves no files of the store, so an image shipped beside the document cannot be shown);
- HTML keeps only formatting tags (tables, lists, `<br>`, `<b>`, `<details>`, ...), stripped
  of their attributes and balanced; `<a href>` keeps a web or mail address; any other tag
  (`<script>`, `<iframe>`, `<svg>`, `<style>`, ...) shows as the text it is;
- links go only to http, https and mailto addresses, or relative ones: a `javascript:`,
  `data:` or `vbscript:` link shows as text;
- no mermaid diagram is drawn (its labels and shapes can load images): it shows as code.

Code is quoted as written: fenced blocks verbatim, and inside inline code only an invisible
zero-width space is added where a tag or image would otherwise start, should the span be
read differently by the browser's markdown. Where this scanner cannot tell code from text it
treats the text as text: the price is a visible `&lt;` in odd code, never a live tag. The
app's Content-Security-Policy (`qagraph.ui.app`) forbids remote loads as a second wall.
"""

from __future__ import annotations

import bisect
import html
import re
import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ZWSP = "\u200b"
#: Link schemes a reader may follow; a link without a scheme is relative and also fine.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: Formatting tags kept (without attributes but those below): none loads or runs anything.
KEEP_TAGS = frozenset(
    "b i em strong u s strike del ins sub sup mark kbd small big code var samp abbr cite q "
    "dfn tt span br wbr hr p div center blockquote h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "table thead tbody tfoot tr td th caption details summary".split()
)
VOID_TAGS = frozenset({"br", "wbr", "hr"})
_NUMBER_ATTRS = frozenset({"colspan", "rowspan", "start"})
_FLAG_ATTRS = frozenset({"open"})
_PLACEHOLDER_CHARS = 60

_PUNCT = frozenset(string.punctuation)
_ATTR = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_OPEN_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9-]*)((?:{_ATTR})*)\s*/?>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_ATTR_ITEM = re.compile(r"""([A-Za-z_:][\w.:-]*)(?:\s*=\s*([^\s"'=<>`]+|'[^']*'|"[^"]*"))?""")
_AUTOLINK = re.compile(
    r"<(?:(?:https?|mailto):[^\s<>`\x00-\x1f]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>", re.IGNORECASE
)
_TAG_START = re.compile(r"[A-Za-z/!?]")
_BRACKETED = r"(?:[^\[\]\\\n]|\\.|\[(?:[^\[\]\\\n]|\\.)*\])*"
_IMAGE = re.compile(
    rf"!\[(?P<alt>{_BRACKETED})\]\([ \t]*\n?[ \t]*"
    r"(?P<dest><[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
    r"""(?:\s+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)"""
)
_REF_IMAGE = re.compile(r"!\[(?P<alt>(?:[^\[\]\\\n]|\\.)*)\](?:\[(?P<ref>(?:[^\[\]\\\n]|\\.)*)\])?")
_CONTAINER = r"(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*"
_DEFINITION = re.compile(
    rf"^(?P<lead>{_CONTAINER}\[(?P<label>(?:[^\[\]\\\n]|\\.)+)\]):[ \t]*\n?[ \t]*"
    r"(?P<dest><[^<>\n]*>|\S+)",
    re.MULTILINE,
)
_FENCE = re.compile(r"^( *)(`{3,}|~{3,})(.*)$")
_TICKS = re.compile(r"`+")
_HTML_LINE = re.compile(rf"^{_CONTAINER}<[A-Za-z/!?]")
_MERMAID = re.compile(r"(?<![`~])(`{3,}+|~{3,}+)([ \t]*)mermaid", re.IGNORECASE)
_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def safe_markdown(text: str) -> str:
    """`text` (markdown with HTML) rewritten to load nothing and run nothing when shown."""
    return _Sanitizer(text).run()


def safe_inline(text: str, escape: str = "*_") -> str:
    """One line of text for inside markdown emphasis: sanitized, `escape` characters escaped."""
    return _Sanitizer(" ".join(text.split()), escape=escape).run()


def url_scheme(url: str) -> str:
    """The scheme a browser would read in a link target ("" for a relative one), lower case.

    Backslash escapes and character references are decoded first, and the blanks and
    control characters browsers skip are dropped: `java&#115;cript:` is `javascript`.
    """
    decoded = _URL_JUNK.sub("", html.unescape(_BACKSLASH.sub(r"\1", url)))
    found = _SCHEME.match(decoded)
    return found.group(1).lower() if found else ""


def safe_url(url: str) -> bool:
    """True when following `url` can only open a page or a mail client."""
    return url_scheme(url) in SAFE_SCHEMES | {""}


def image_placeholder(url: str, alt: str = "") -> str:
    """'[image: host/p.png]' for an image, as HTML: a link for a web address, else text."""
    url = html.unescape(_BACKSLASH.sub(r"\1", url.strip().strip("<>"))).strip()
    url = re.sub(r"\s", lambda m: "%20" if m.group(0) == " " else "", url)
    scheme = url_scheme(url)
    title = f' title="{html.escape(_unescape(alt), quote=True)}"' if alt.strip() else ""
    if scheme in ("http", "https") or (not scheme and url.startswith("//")):
        parts = urlsplit(url)
        where = (parts.hostname or "") + (f":{parts.port}" if _port(parts) else "") + parts.path
        label = _entities(f"[image: {_shorten(where)}]")
        return f'<a href="{html.escape(url, quote=True)}"{title}>{label}</a>'
    if scheme == "data":
        return _entities("[image: embedded data]")
    if scheme or not url:
        return _entities("[image]")
    return _entities(f"[image: {_shorten(url.split('?')[0].split('#')[0])}]")


@dataclass
class _Sanitizer:
    text: str
    escape: str = ""  # characters to backslash-escape in text ("*_" inside emphasis)
    open_tags: list[str] = field(default_factory=list)
    definitions: dict[str, str] = field(default_factory=dict)  # "[label]: url" of the text
    neutral_fences: bool = False  # a $$ ... $$ block may swallow a fence: neutralise fences
    _no_comment_from: int = 0

    def run(self) -> str:
        text = _MERMAID.sub(r"\1\2text", self.text)
        self.definitions = _definitions(text)
        self.neutral_fences = text.count("$$") >= 2
        lines = text.split("\n")
        fences = _Fences(lines)
        out: list[str] = []
        pending: list[str] = []
        in_html = False
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                in_html = False
            elif _HTML_LINE.match(line):
                in_html = True  # markdown is not read inside an HTML block: no fence there
            end = None if in_html else fences.end(i)
            if end is None:
                pending.append(line)
                i += 1
                continue
            if pending:
                out.append(self._text("\n".join(pending)))
                pending = []
            block = lines[i : end + 1]
            if self.neutral_fences:
                block = [_neutral(b) for b in block]
            out.append("\n".join(block))
            i = end + 1
        if pending:
            out.append(self._text("\n".join(pending)))
        closers = "".join(f"</{name}>" for name in reversed(self.open_tags))
        return "\n".join(out) + closers

    def _text(self, s: str) -> str:
        s = _break_unsafe_definitions(s)
        self._no_comment_from = len(s)  # no comment closes after an unclosed one
        out: list[str] = []
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if c == "\\" and i + 1 < n and s[i + 1] in _PUNCT:
                # "\<" is no escape inside an HTML block, where the browser would see a tag.
                out.append("&lt;" if s[i + 1] == "<" else s[i : i + 2])
                i += 2
            elif c == "`":
                i = self._code_span(s, i, out)
            elif c == "<":
                i = self._angle(s, i, out)
            elif c == "!" and s.startswith("[", i + 1):
                i = self._image(s, i, out)
            elif c == "]" and s.startswith("(", i + 1) and not safe_url(_destination(s, i + 2)):
                out.append("]" + ZWSP + "(")  # the link shows as text
                i += 2
            elif c in self.escape:
                out.append("\\" + c)
                i += 1
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def _code_span(self, s: str, i: int, out: list[str]) -> int:
        ticks = _TICKS.match(s, i).group(0)
        line_end = s.find("\n", i)
        line_end = len(s) if line_end < 0 else line_end
        for found in _TICKS.finditer(s, i + len(ticks), line_end):
            if found.group(0) == ticks:
                out.append(ticks + _neutral(s[i + len(ticks) : found.start()]) + ticks)
                return found.end()
        out.append(ticks)
        return i + len(ticks)

    def _angle(self, s: str, i: int, out: list[str]) -> int:
        if s.startswith("<!--", i):
            end = s.find("-->", i + 4) if i < self._no_comment_from else -1
            if end >= 0:  # invisible when rendered anyway; the space keeps "!" and "[" apart
                out.append(ZWSP)
                return end + 3
            self._no_comment_from = min(self._no_comment_from, i)
        if found := _AUTOLINK.match(s, i):
            out.append(found.group(0))
            return found.end()
        if found := _OPEN_TAG.match(s, i):
            name = found.group(1).lower()
            attrs = _attributes(found.group(2))
            if name == "img":
                src = attrs.get("src") or attrs.get("srcset", "").strip().split(" ")[0]
                out.append(image_placeholder(src, attrs.get("alt", "")))
                return found.end()
            if name == "a":
                href = attrs.get("href")
                keep = f' href="{html.escape(href, quote=True)}"' if href and safe_url(href) else ""
                out.append(f"<a{keep}>")
                self.open_tags.append("a")
                return found.end()
            if name in KEEP_TAGS:
                kept = "".join(_kept_attribute(k, v) for k, v in attrs.items())
                out.append(f"<{name}{kept}>")
                if name not in VOID_TAGS:
                    self.open_tags.append(name)
                return found.end()
        elif found := _CLOSE_TAG.match(s, i):
            name = found.group(1).lower()
            if name in self.open_tags:
                while self.open_tags:
                    top = self.open_tags.pop()
                    out.append(f"</{top}>")
                    if top == name:
                        break
                return found.end()
            if name in KEEP_TAGS or name == "a":
                out.append(ZWSP)  # a stray closer would end the app's own wrapper early
                return found.end()
        if _TAG_START.match(s, i + 1):
            out.append("&lt;")  # shown as the text it is; the rest is read on its own
        else:
            out.append("<")
        return i + 1

    def _image(self, s: str, i: int, out: list[str]) -> int:
        found = _IMAGE.match(s, i)
        if found:
            out.append(image_placeholder(found.group("dest"), found.group("alt")))
            return found.end()
        found = _REF_IMAGE.match(s, i)
        if found:
            label = found.group("ref") or found.group("alt")
            url = self.definitions.get(_label_key(label))
            if url is not None:
                out.append(image_placeholder(url, found.group("alt")))
                return found.end()
        out.append("!&#91;")  # not an image to the renderer either; now it never can be
        return i + 2


class _Fences:
    """Where the fenced code blocks of some lines end, found in linear time."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.indent = [len(s) - len(s.lstrip(" ")) if s.strip() else None for s in lines]
        # Lines made of one fence character only: candidates to close a block.
        self.closers: dict[str, list[int]] = {"`": [], "~": []}
        for j, line in enumerate(lines):
            stripped = line.strip()
            char = stripped[:1]
            if len(stripped) >= 3 and char in self.closers and set(stripped) == {char}:
                self.closers[char].append(j)
        self._below: dict[int, list[int]] = {}

    def end(self, i: int) -> int | None:
        """Index of the line closing a fenced code block opened on line `i`, or None.

        Only blocks the browser surely reads as code count: closed, with every line inside
        at least as indented as the opening fence (a less indented one would end a list item
        and the code with it), and an opening fence indented 4 or more only after a blank
        line (else it continues a paragraph).
        """
        opened = _FENCE.match(self.lines[i])
        if opened is None:
            return None
        indent, run, info = len(opened.group(1)), opened.group(2), opened.group(3)
        if run[0] == "`" and "`" in info:
            return None
        if indent >= 4 and i > 0 and self.lines[i - 1].strip():
            return None
        candidates = self.closers[run[0]]
        for j in candidates[bisect.bisect_right(candidates, i) :]:
            if len(self.lines[j].strip()) < len(run):
                continue
            if indent and self._next_below(indent, i) < j:
                return None
            return j if (self.indent[j] or 0) >= indent else None
        return None

    def _next_below(self, indent: int, i: int) -> int:
        """The first line after `i` that is not blank and indented less than `indent`."""
        if indent not in self._below:
            following, nearest = [len(self.lines)] * len(self.lines), len(self.lines)
            for j in range(len(self.lines) - 1, -1, -1):
                following[j] = nearest
                if self.indent[j] is not None and self.indent[j] < indent:
                    nearest = j
            self._below[indent] = following
        return self._below[indent][i]


def _neutral(code: str) -> str:
    """Code with a zero-width space wherever a browser could read a tag, image or link."""
    code = re.sub(r"<(?=[A-Za-z/!?])", "<" + ZWSP, code)
    return code.replace("![", "!" + ZWSP + "[").replace("](", "]" + ZWSP + "(")


def _destination(s: str, j: int) -> str:
    """The link target starting at `s[j]` (after "("), as written."""
    rest = s[j : j + 2048].lstrip(" \t")
    if rest.startswith("\n"):
        rest = rest[1:].lstrip(" \t")
    if rest.startswith("<"):
        end = rest.find(">")
        return rest[1:end] if end > 0 else rest[1:]
    return re.split(r"[\s)]", rest, maxsplit=1)[0]


def _definitions(text: str) -> dict[str, str]:
    """Link reference definitions ("[label]: url") of the text: label key -> url."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        found.setdefault(_label_key(m.group("label")), m.group("dest").strip("<>"))
    return found


def _break_unsafe_definitions(text: str) -> str:
    def fix(m: re.Match[str]) -> str:
        if safe_url(m.group("dest").strip("<>")):
            return m.group(0)
        return m.group("lead") + ZWSP + m.group(0)[len(m.group("lead")) :]

    return _DEFINITION.sub(fix, text)


def _label_key(label: str) -> str:
    return " ".join(_unescape(label).casefold().split())


def _attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for name, value in _ATTR_ITEM.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attrs.setdefault(name.lower(), html.unescape(value))
    return attrs


def _kept_attribute(name: str, value: str) -> str:
    if name in _NUMBER_ATTRS and value.strip().isdigit():
        return f' {name}="{int(value)}"'
    if name in _FLAG_ATTRS:
        return f" {name}"
    return ""


def _unescape(text: str) -> str:
    return html.unescape(_BACKSLASH.sub(r"\1", text))


def _port(parts) -> bool:
    try:
        return parts.port is not None
    except ValueError:
        return False


def _shorten(text: str) -> str:
    return text if len(text) <= _PLACEHOLDER_CHARS else text[: _PLACEHOLDER_CHARS - 1] + "…"


def _entities(text: str) -> str:
    """Text that reads the same in markdown and inside HTML: punctuation as references."""
    return "".join(c if c.isalnum() or c in " ./:-" else f"&#{ord(c)};" for c in text)
