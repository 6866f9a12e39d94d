"""Line classification: the first pass of the splitter.

Every line of a document gets a kind (heading, numbered item, bullet, table row, code, ...)
and a cleaned title, so that the splitter reasons about structure rather than characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from qagraph.ingest.plaintext import FENCE_RE, LINK_RE
from qagraph.ingest.split import cues
from qagraph.ingest.split.facts import LineFacts


class Kind(StrEnum):
    BLANK = "blank"
    FENCE = "fence"  # a ``` or ~~~ delimiter
    CODE = "code"  # inside a fence, or a code comment next to code
    HEADING = "heading"  # markdown '#' heading
    QMARK = "qmarker"  # 'Q:', 'Q12.', 'Question 3:' (also as a heading)
    ANSWER = "answer"  # 'A:', '**Answer:**', '### A:', '<summary>Answer</summary>': never a block
    TERM = "term"  # the line right above a definition: a definition-list term (<dt>)
    DEFINITION = "definition"  # ':   text', a definition-list body (<dd>, Pandoc, MD Extra)
    SUMMARY = "summary"  # <summary>...</summary>
    BOLD = "bold"  # a line that is (mostly) bold
    NUMBERED = "numbered"  # '12. ...', '12) ...', '**12)** ...'
    BULLET = "bullet"
    TABLE = "table"
    HTML = "html"  # a line of raw markup such as <br/> or <table>
    NAV = "nav"  # navigation: a table of contents, a link back to the top, badges
    TEXT = "text"


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_QMARK = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:[*_]{1,2}\s*)?(?:Q|Question)\s*(\d{1,4})?\s*[:.)\-–—]\s*(?:[*_]{1,2})?\s*(.*)$",
    re.I,
)
# Only ':' or a spaced dash after the label: "A." and "A)" also open sentences and answer
# options, "A-" words ("A-list").
_AMARK = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:[*_]{1,2}\s*)?(?:A|Ans|Answer)\s*(?:[*_]{1,2})?\s*(?::|[\-–—]\s)", re.I
)
_DEFINITION = re.compile(r"^\s{0,3}:\s+\S")
_NUMBERED = re.compile(
    r"^(\s*)(?:[*_]{2})?(\d{1,3})(?:[*_]{2})?[.)](?:[*_]{2})?\s+(.*)$"
)  # "12.", "**12.**", "**12**."
_BULLET = re.compile(r"^(\s*)(?:[-+•●▪◦‣]|\*(?!\*))\s+(.*)$")
_BOLD = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*(.*)$")
_SUMMARY = re.compile(r"<summary>(.*?)(?:</summary>|$)", re.I)
_HTML = re.compile(r"^\s*</?[a-zA-Z][^>]*>|^\s*&nbsp;\s*$")
_ANCHOR = re.compile(r"\s*\{#[^}]*\}\s*$|<a\s+(name|id)=[^>]*>\s*</a>", re.I)
# A summary text seen this often in one document is a label, not a question.
LABEL_REPEATS = 3
# "Why? [src]" once its link is unwrapped: a citation of where the question came from.
_REFERENCE_AFTER_QUESTION = re.compile(r"\?\s*\[[^\]]{0,40}\]\s*$")
_INLINE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# GitHub emoji shortcodes (":diamond_shape_with_a_dot_inside:") decorate titles.
_SHORTCODE = re.compile(r"(?<!\w):[a-z0-9_+-]+:(?!\w)")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
# A heading's own number, also hierarchical: "3. ...", "2.1. ...", "4)".
_HEADING_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(.*)$")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


@dataclass(frozen=True, slots=True)
class Line:
    """One classified line.

    Attributes:
        idx: 0-based index in the document text.
        raw: The line as written.
        kind: Structural kind.
        title: Text with markers stripped (for candidate questions and headings).
        indent: Leading spaces (tabs count 4).
        level: Heading level for headings, else 0.
        number: Original numbering, when the line carries one.
    """

    idx: int
    raw: str
    kind: Kind
    title: str
    indent: int = 0
    level: int = 0
    number: str | None = None

    @property
    def blank(self) -> bool:
        return self.kind is Kind.BLANK


def clean_title(text: str) -> str:
    """The title as shown and embedded: compatibility forms folded (NFKC: mathematical
    bold letters, full-width forms), anchors, link markup, emphasis markers, a source
    reference after the question mark, closing '#'s and trailing emoji removed."""
    text = unicodedata.normalize("NFKC", text)
    text = _ANCHOR.sub("", text)
    text = _SHORTCODE.sub("", _INLINE_TAG.sub("", text))
    text = LINK_RE.sub(r"\1", text)
    text = _REFERENCE_AFTER_QUESTION.sub("?", text)
    text = _CLOSING_HASHES.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = re.sub(r"\*\*|__", "", text).strip().strip("*_").strip()
    return cues.strip_trailing_noise(text) if "?" in text else text.strip()


def _indent(raw: str) -> int:
    expanded = raw.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _classify(idx: int, raw: str) -> Line:
    stripped = raw.strip()
    indent = _indent(raw)
    if not stripped:
        return Line(idx, raw, Kind.BLANK, "")
    # An answer label, also in bold, as a heading or as the <summary> of a folded answer.
    summary = _SUMMARY.search(stripped)
    label = clean_title(re.sub(r"<[^>]+>", "", summary[1] if summary else stripped.lstrip("#")))
    if _AMARK.match(stripped) or cues.is_reveal_label(label):
        return Line(idx, raw, Kind.ANSWER, label, indent)
    if summary:
        return Line(idx, raw, Kind.SUMMARY, label)
    if m := _QMARK.match(stripped):
        number, rest = m.group(1), m.group(2)
        if rest and not rest.lower().startswith(("a:", "answer")):
            return Line(idx, raw, Kind.QMARK, clean_title(rest), indent, number=number)
    if _DEFINITION.match(raw):
        return Line(idx, raw, Kind.DEFINITION, stripped[1:].strip(), indent)
    if m := _HEADING.match(stripped):
        title = clean_title(m.group(2))
        number = None
        if n := _HEADING_NUMBER.match(title):
            number, title = n.group(1), n.group(2)
        return Line(idx, raw, Kind.HEADING, title, indent, level=len(m.group(1)), number=number)
    if m := _NUMBERED.match(raw):
        return Line(idx, raw, Kind.NUMBERED, clean_title(m.group(3)), indent, number=m.group(2))
    if m := _BOLD.match(stripped):
        bold, rest = m.group(2), m.group(3)
        if not rest or len(bold) >= len(rest) or cues.ends_with_question(bold):
            if n := re.match(r"^(\d{1,3})[.)]\s*(.*)$", bold.strip()):
                title = clean_title(f"{n.group(2)} {rest}".strip())
                return Line(idx, raw, Kind.NUMBERED, title, indent, number=n.group(1))
            return Line(idx, raw, Kind.BOLD, clean_title(f"{bold} {rest}".strip()), indent)
    if m := _BULLET.match(raw):
        return Line(idx, raw, Kind.BULLET, clean_title(m.group(2)), indent)
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return Line(idx, raw, Kind.TABLE, stripped, indent)
    if _HTML.match(stripped):
        return Line(idx, raw, Kind.HTML, re.sub(r"<[^>]+>", "", stripped).strip(), indent)
    return Line(idx, raw, Kind.TEXT, stripped, indent)


def classify_lines(lines: list[str], facts: LineFacts | None = None) -> list[Line]:
    """Classify every line, tracking fenced code and unfenced code comments.

    Args:
        lines: The document's lines.
        facts: What a parse of the document says about its lines (markdown and what
            readers turn into markdown). Without it (plain text), fences are tracked
            line by line.
    """
    if facts is not None:
        return _mark_terms(_mark_labels(_mark_unfenced_code(_classify_parsed(lines, facts))))
    out: list[Line] = []
    fence: str | None = None
    for idx, raw in enumerate(lines):
        if m := FENCE_RE.match(raw):
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker == fence:
                fence = None
            out.append(Line(idx, raw, Kind.FENCE, raw.strip(), _indent(raw)))
            continue
        if fence is not None:
            out.append(Line(idx, raw, Kind.CODE, raw, _indent(raw)))
            continue
        out.append(_classify(idx, raw))
    return _mark_terms(_mark_labels(_mark_unfenced_code(out)))


def _classify_parsed(lines: list[str], facts: LineFacts) -> list[Line]:
    out: list[Line] = []
    for idx, raw in enumerate(lines):
        indent = _indent(raw)
        if idx in facts.navigation:
            out.append(Line(idx, raw, Kind.NAV, raw.strip(), indent))
        elif idx in facts.fences:
            out.append(Line(idx, raw, Kind.FENCE, raw.strip(), indent))
        elif idx in facts.code:
            out.append(Line(idx, raw, Kind.CODE, raw, indent))
        elif idx in facts.headings:
            level, text = facts.headings[idx]
            title, number = _heading_title(text)
            out.append(Line(idx, raw, Kind.HEADING, title, indent, level=level, number=number))
        else:
            out.append(_classify(idx, raw))
    return out


def _heading_title(text: str) -> tuple[str, str | None]:
    title = clean_title(text)
    if n := _HEADING_NUMBER.match(title):
        return n.group(2), n.group(1)
    return title, None


def _mark_labels(lines: list[Line]) -> list[Line]:
    """Re-tag a `<summary>` that repeats across the document as an answer label.

    A folded answer's summary is either its question or a label ("View answer"); a label
    is the same text again and again, a question is not. Counted on the document itself,
    so labels in any wording or language are found.
    """
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.kind is Kind.SUMMARY:
            counts[ln.title.casefold()] = counts.get(ln.title.casefold(), 0) + 1
    return [
        Line(ln.idx, ln.raw, Kind.ANSWER, ln.title, ln.indent)
        if ln.kind is Kind.SUMMARY
        and counts[ln.title.casefold()] >= LABEL_REPEATS
        and not cues.ends_with_question(ln.title)
        else ln
        for ln in lines
    ]


def _mark_terms(lines: list[Line]) -> list[Line]:
    """Re-tag the text or bold line just above a definition (one blank between allowed).

    Definition lists are how Pandoc and PHP Markdown Extra write a term and its
    explanation, and how the HTML reader renders <dl>: in a FAQ the term is the question.
    """
    result = list(lines)
    for i, line in enumerate(lines):
        if line.kind is not Kind.DEFINITION:
            continue
        j = i - 1
        if j >= 0 and lines[j].blank:
            j -= 1
        if j >= 0 and lines[j].kind in (Kind.TEXT, Kind.BOLD):
            term = lines[j]
            result[j] = Line(term.idx, term.raw, Kind.TERM, clean_title(term.title), term.indent)
    return result


def _mark_unfenced_code(lines: list[Line]) -> list[Line]:
    """Re-tag '# comment' lines that sit between code lines: code, not markdown headings.

    Documents copied from web pages lose their code blocks' fences and indentation, which
    turns Python comments into would-be headings.
    """

    def neighbour(i: int, step: int) -> Line | None:
        j = i + step
        while 0 <= j < len(lines) and lines[j].blank:
            j += step
        return lines[j] if 0 <= j < len(lines) else None

    result = list(lines)
    for i, line in enumerate(lines):
        if line.kind is not Kind.HEADING or not line.raw.lstrip().startswith("# "):
            continue
        prev, nxt = neighbour(i, -1), neighbour(i, 1)
        if any(n is not None and cues.is_code_line(n.raw) for n in (prev, nxt)):
            result[i] = Line(line.idx, line.raw, Kind.CODE, line.raw, line.indent)
    return result
