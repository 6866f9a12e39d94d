"""Aliases defined in the text itself: acronyms and "also known as" phrases.

"Principal Component Analysis (PCA)" and "ROC (Receiver Operating Characteristics)" make
the acronym an alias of the long form; the letters of the acronym must appear, in order,
in the long form, with the first letter starting its first word (the rule of Schwartz and
Hearst, PSB 2003). "L2 regularization, also called ridge regression" makes the two
phrases one concept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from qagraph.ingest.concepts.text import node_segments
from qagraph.ingest.concepts.words import GENERIC_HEADS, STOP_WORDS, word_class
from qagraph.kb.records import QANode

logger = logging.getLogger(__name__)

_ACRONYM = r"[A-Za-z][A-Za-z0-9\-/&]{0,9}"
# Long form then acronym: "Exploratory Data Analysis (EDA)"; the long form is read back
# from the text before the parenthesis.
_SHORT_IN_PARENS_RE = re.compile(r"\((" + _ACRONYM + r")\)")
_WORDS_BEFORE = 12
# Acronym then long form: "ROC (Receiver Operating Characteristics)".
_SHORT_THEN_LONG_RE = re.compile(r"\b(" + _ACRONYM + r")\s*\(([A-Za-z][\w\-/' ]{3,80})\)")
# "X, also known as Y": the cue is found first, then the phrases on either side.
_SYNONYM_CUE_RE = re.compile(
    r",?\s*\(?\b(?:also|sometimes|often|otherwise)\s+(?:known as|called|referred to as)\s+"
    r"(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)
_CLAUSE_RE = re.compile(r"[,.;:()!?\"\u201c\u201d]")
_MAX_WORDS = 5


class Definition(NamedTuple):
    """Two names the text says mean the same.

    Attributes:
        long: The long form or main name, as written.
        short: The acronym or other name, as written.
        node: Index of the node where the text says so.
        acronym: True for an acronym definition, False for an "also known as" synonym.
    """

    long: str
    short: str
    node: int
    acronym: bool


def find_definitions(nodes: Sequence[QANode]) -> list[Definition]:
    """Acronym definitions and synonyms stated in the nodes' text."""
    found: list[Definition] = []
    for index, node in enumerate(nodes):
        for segment in node_segments(node):
            found.extend(_in_segment(segment.text, index))
    logger.debug("%d definitions found", len(found))
    return found


def _in_segment(text: str, node: int) -> Iterable[Definition]:
    for match in _SHORT_IN_PARENS_RE.finditer(text):
        short = match.group(1)
        before = text[: match.start()].split()[-_WORDS_BEFORE:]
        if _is_acronym(short) and before:
            long = _match_long_form(short, before)
            if long:
                yield Definition(long, short, node, True)
    for match in _SHORT_THEN_LONG_RE.finditer(text):
        short, long = match.group(1), match.group(2).strip()
        words = long.split()
        if _is_acronym(short) and len(words) >= 2 and _match_long_form(short, words) == long:
            yield Definition(long, short, node, True)
    for match in _SYNONYM_CUE_RE.finditer(text):
        left = _tail_phrase(_CLAUSE_RE.split(text[max(0, match.start() - 80) : match.start()])[-1])
        right = _head_phrase(_CLAUSE_RE.split(text[match.end() : match.end() + 80])[0])
        if left and right and left.lower() != right.lower():
            yield Definition(left, right, node, False)


def _is_acronym(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    # Two capitals at least ("SVM", "ReLU", "GloVe", "CNNs"), or a capital and a digit ("L1").
    return 2 <= len(letters) <= 10 and (capitals >= 2 or capitals >= 1 and token[-1].isdigit())


def _match_long_form(short: str, words: list[str]) -> str | None:
    """The shortest tail of `words` that spells `short`, or None (Schwartz-Hearst)."""
    chars = [c.lower() for c in short if c.isalnum()]
    if short.endswith("s") and sum(c.isupper() for c in short) >= 2:
        chars = chars[:-1]  # the plural s of "CNNs" is no letter of the long form
    limit = min(len(chars) + 5, 2 * len(chars))
    candidates = words[-limit:]
    text = " ".join(candidates).lower()
    s, t = len(chars) - 1, len(text) - 1
    while s >= 0:
        ch = chars[s]
        # The first letter of the acronym must start a word; the others may sit anywhere.
        while t >= 0 and (text[t] != ch or s == 0 and t > 0 and text[t - 1].isalnum()):
            t -= 1
        if t < 0:
            return None
        s -= 1
        t -= 1
    start = len(text[: t + 1].split())
    long_words = candidates[start:]
    # A first word that is a stop word ("the", "and") is no part of the name.
    while long_words and long_words[0].lower() in STOP_WORDS:
        long_words = long_words[1:]
    if not long_words or len(long_words) > len(chars) + 2:
        return None
    if long_words[0][0].lower() != chars[0]:
        return None
    return " ".join(long_words)


def _tail_phrase(text: str) -> str | None:
    """The noun phrase that ends `text`: the name an "also known as" refers back to."""
    words = text.strip().split()
    phrase: list[str] = []
    for word in reversed(words):
        lower = word.lower()
        if lower in STOP_WORDS or not word_class(lower).modifier or len(phrase) == _MAX_WORDS:
            break
        phrase.insert(0, word)
    before = [w.lower() for w in words[: len(words) - len(phrase)][-2:]]
    if "of" in before:
        return None  # "a portion of the data, also called ...": the name is the whole phrase
    return " ".join(phrase) if phrase else None


def _head_phrase(text: str) -> str | None:
    """The noun phrase that starts `text`, a generic last word ("function") dropped."""
    phrase: list[str] = []
    for word in text.strip().split():
        lower = word.lower()
        if lower in STOP_WORDS or not word_class(lower).modifier or len(phrase) == _MAX_WORDS:
            break
        phrase.append(word)
    while phrase and not word_class(phrase[-1].lower()).noun:
        phrase.pop()
    if len(phrase) > 1 and phrase[-1].lower() in GENERIC_HEADS | {"function"}:
        phrase.pop()
    return " ".join(phrase) if phrase else None
