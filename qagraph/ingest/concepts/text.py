"""From a node's markdown to plain sentences and word tokens for concept extraction.

Code blocks are dropped (identifiers are not concepts), markdown markers are stripped,
and table cells, list items and sentences become separate segments, so that a phrase
never runs across two of them.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from qagraph.ingest.plaintext import INLINE_CODE_RE, LIST_MARK, prose_lines, squash_spaces, unlink
from qagraph.kb.records import QANode
from qagraph.kb.text import ALNUM, LETTER, fold_marks, normalize

_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
_MARKERS_RE = re.compile(rf"^\s*(?:#{{1,6}}\s+|>\s*|{LIST_MARK}\s+)+")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
# Sentence ends, and the dashes and colons that join two statements in study notes.
_SPLIT_RE = re.compile(r"(?<=[.!?;])\s+(?=[\"'\u201c(A-Z0-9])|\s+[\u2014\u2013]\s+|\s+-\s+|:\s+")
# "over- and under-fitting" -> "over-fitting and under-fitting".
_HYPHEN_ELLIPSIS_RE = re.compile(r"\b([A-Za-z]+)-\s+(and|or)\s+([A-Za-z]+)-([A-Za-z]+)")
# The chunker reads more than the text core's words, so its tokens are its own, built from
# the core's letters and digits: punctuation is a token (commas, "and", parentheses steer
# it), a number keeps its decimals, percent sign or unit ("0.5", "10%", "3x"), a word
# starts with a letter ("1-norm" is a number and a word) and a slash joins too ("A/B",
# split again below when it joins two words). It runs on the core's `fold_marks` of the
# text, so typographic apostrophes and hyphens join as the ASCII ones do, and tokens keep
# the text as written (surfaces become names); `Token.lower` is their normal form.
TOKEN_RE = re.compile(rf"{LETTER}{ALNUM}*(?:[-'/]{ALNUM}+)*|\d+(?:[.,]\d+)*%?{LETTER}*|\S")
# Most tokens recur: normalise each spelling once.
_normal = functools.lru_cache(maxsize=65536)(normalize)


class Token(NamedTuple):
    """A token as written and normalised (lower case), with flags for words and possessives."""

    text: str
    lower: str
    word: bool
    possessive: bool = False


class Segment(NamedTuple):
    """A sentence, list item or table cell of a node.

    Attributes:
        text: The plain text.
        question: True when it comes from the question rather than the answer.
    """

    text: str
    question: bool


def node_segments(node: QANode) -> list[Segment]:
    """The question and the answer of a node cut into plain-text segments."""
    segments = [Segment(s, True) for s in split_text(node.question)]
    segments += [Segment(s, False) for s in split_text(node.answer)]
    return segments


def split_text(markdown: str) -> list[str]:
    """Plain-text segments of a markdown text, code blocks left out."""
    out: list[str] = []
    for line in prose_lines(markdown):
        if _TABLE_RULE_RE.match(line):
            continue
        cells = line.split("|") if line.count("|") >= 2 else [line]
        for cell in cells:
            text = _clean(cell)
            if text:
                out.extend(p.strip() for p in _SPLIT_RE.split(text) if p.strip())
    return out


def _clean(text: str) -> str:
    text = unlink(INLINE_CODE_RE.sub(" ", text))
    text = _MARKERS_RE.sub("", text)
    text = _EMPHASIS_RE.sub(r"\2", text)
    text = _HYPHEN_ELLIPSIS_RE.sub(r"\1-\4 \2 \3-\4", text)
    return squash_spaces(text)


def tokenize(text: str) -> list[Token]:
    """Word, number and punctuation tokens; a possessive 's stays with its word."""
    tokens = []
    raws = [text[m.start() : m.end()] for m in TOKEN_RE.finditer(fold_marks(text))]
    for raw in _split_slashes(raws):
        lower = _normal(raw)
        possessive = lower.endswith("'s")
        if possessive:
            raw, lower = raw[:-2], lower[:-2]
        tokens.append(Token(raw, lower, raw[0].isalpha(), possessive))
    return tokens


def _split_slashes(raws: list[str]) -> list[str]:
    """ "filter/feature" is two words and "PyTorch/TensorFlow" two names; "A/B" is one."""
    out = []
    for raw in raws:
        parts = raw.split("/")
        if len(parts) > 1 and not all(len(p) <= 2 or p.isupper() for p in parts):
            for i, part in enumerate(parts):
                out.extend(["/"] * (i > 0) + [part] * bool(part))
        else:
            out.append(raw)
    return out
