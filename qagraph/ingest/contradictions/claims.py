"""Split an answer's markdown into claims: sentences, list items and table cells.

A claim is the unit two answers are compared by, and it is shown to the user as evidence,
so it is plain text: markdown markers, links and code are left out. A table cell becomes
"entity, attribute: value", so that "Random Forest, overfitting: Less prone" can be set
against a sentence of another source.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import NamedTuple

from qagraph.ingest.contradictions.words import content_lemmas
from qagraph.ingest.plaintext import INLINE_CODE_RE, LIST_MARK, prose_lines, squash_spaces, unlink

logger = logging.getLogger(__name__)

CLAIM_KINDS = ("sentence", "item", "cell")

_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
_ITEM_RE = re.compile(rf"^\s*{LIST_MARK}\s+")
_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
_QUOTES = "\"'\u201c\u201d\u2018\u2019"
# Abbreviations whose full stop does not end a sentence.
_ABBREV_RE = re.compile(r"\b(e\.g|i\.e|eg|ie|etc|vs|cf|approx|Dr|Mr|Ms|No|Fig|al)\.", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?\s+(?=[\"'\u201c(\[]?[A-Z0-9])")
# A semicolon joins two statements: each is a claim of its own.
_SEMICOLON_RE = re.compile(r"\s*;\s+")
_DOT = "\u2024"  # one-dot leader: stands in for a protected full stop while splitting
# Lines of code that slipped out of a fence: keywords at the start, or mostly symbols.
_CODE_START_RE = re.compile(
    r"^\s*(def |class |import |from \S+ import|return\b|for \w+ in |while |if .*:\s*$|"
    r"elif |else:|print\(|#\s|\w+(\.\w+)+\(|[\w.\[\]]+\s*[+\-*/]?=\s*\S)"
)
MIN_CONTENT_WORDS = 2


class Claim(NamedTuple):
    """One statement of an answer.

    Attributes:
        text: Plain text, as shown in evidence.
        kind: "sentence" (of a paragraph), "item" (of a list) or "cell" (of a table).
        index: Position of the claim in its answer, from 0.
        lead: For a list item, the sentence leading into its list when it ends with a
            colon ("Unsupervised methods:"); "" otherwise.
    """

    text: str
    kind: str
    index: int
    lead: str = ""


def clean_inline(text: str) -> str:
    """Plain text of one markdown line: links, code spans and emphasis markers removed."""
    text = INLINE_CODE_RE.sub(r"\1", unlink(text))
    text = _EMPHASIS_RE.sub(r"\2", text)
    text = _HEADING_RE.sub("", text)
    return squash_spaces(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, cut at semicolons too; abbreviations and decimals do not
    end one."""
    protected = _ABBREV_RE.sub(lambda m: m.group(0)[:-1] + _DOT, text)
    parts = [q for p in _SENTENCE_END_RE.split(protected) for q in _SEMICOLON_RE.split(p)]
    return [p.replace(_DOT, ".").strip() for p in parts if p.strip()]


def looks_like_code(line: str) -> bool:
    """True for a line of source code (assignments, keywords, mostly symbols)."""
    if _CODE_START_RE.match(line):
        return True
    symbols = sum(ch in "=()[]{}_<>;#" for ch in line)
    return len(line) > 0 and symbols / len(line) > 0.12


def _strip_quotes(text: str) -> str:
    text = text.strip()
    while text and text[0] in _QUOTES:
        text = text[1:].lstrip()
    while text and text[-1] in _QUOTES:
        text = text[:-1].rstrip()
    return text


def _cells(line: str) -> list[str]:
    return [clean_inline(c) for c in line.strip().strip("|").split("|")]


def _table_claims(rows: list[str]) -> list[tuple[str, str]]:
    """Claims of one markdown table: (text, "cell") per non-empty body cell."""
    header, body = _cells(rows[0]), [_cells(r) for r in rows[1:] if not _TABLE_RULE_RE.match(r)]
    # "| Bias | Variance | |" over rows "| Definition | ... | ... |": the row labels have no
    # header of their own, so the headers are shifted one column to the left.
    shifted = len(header) >= 2 and header[0] and not header[-1]
    if shifted:
        header = [""] + header[:-1]
    out = []
    for row in body:
        if not row or not row[0]:
            continue
        for col in range(1, min(len(row), len(header))):
            value = row[col]
            if not value or value in {"\u2014", "-", "\u2013", "n/a", "N/A"}:
                continue
            column = header[col]
            if shifted:
                entity, attribute = column, row[0]
            else:
                entity, attribute = row[0], column
            label = f"{entity}, {attribute.lower()}" if attribute else entity
            out.append((f"{label}: {value}", "cell"))
    return out


def _segments(markdown: str) -> list[tuple[str, str, str]]:
    """(text, kind, lead) of every sentence, list item and table cell, code left out.

    `lead` is, for a list item, the last sentence before the list when it ends with a colon.
    """
    raw: list[tuple[str, str, str]] = []
    lines = prose_lines(markdown)
    lead = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or looks_like_code(line):
            i += 1
            continue
        if _TABLE_ROW_RE.match(line):
            table = []
            while i < len(lines) and _TABLE_ROW_RE.match(lines[i]):
                table.append(lines[i])
                i += 1
            raw.extend((text, kind, "") for text, kind in _table_claims(table))
            lead = ""
            continue
        kind = "item" if _ITEM_RE.match(line) else "sentence"
        text = clean_inline(_ITEM_RE.sub("", line))
        sentences = split_sentences(text)
        raw.extend((s, kind, lead if kind == "item" else "") for s in sentences)
        if kind == "sentence":
            last = sentences[-1] if sentences else ""
            lead = last if last.endswith(":") else ""
        i += 1
    return [(_strip_quotes(text), kind, lead) for text, kind, lead in raw if _strip_quotes(text)]


# Answers whose claims and segments are kept: detection compares each node with several
# others, in no order a small cache could follow, so it holds a large corpus's answers.
ANSWERS_CACHED = 1 << 17


@functools.lru_cache(maxsize=ANSWERS_CACHED)
def split_claims(markdown: str) -> tuple[Claim, ...]:
    """The claims of an answer, in order.

    Fenced code, stray code lines, questions (sentences ending in "?") and fragments with
    fewer than `MIN_CONTENT_WORDS` content words ("How to Answer", "Example") are left out.

    Args:
        markdown: The answer as stored in a node.

    Returns:
        The claims; empty for an empty answer.
    """
    claims: list[Claim] = []
    for text, kind, lead in _segments(markdown):
        if text.endswith("?") or len(content_lemmas(text)) < MIN_CONTENT_WORDS:
            continue
        claims.append(Claim(text, kind, len(claims), lead))
    return tuple(claims)


@functools.lru_cache(maxsize=ANSWERS_CACHED)
def answer_segments(markdown: str) -> tuple[str, ...]:
    """Every sentence, item and cell of an answer with a content word, questions included.

    What an answer is about is read from these; an answer made only of follow-up
    questions has no claims but still says what it is about.
    """
    return tuple(text for text, _, _ in _segments(markdown) if content_lemmas(text))
