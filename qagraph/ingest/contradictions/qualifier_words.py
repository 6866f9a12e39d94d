"""The words and scans a claim is read by: clause breaks, conditions, lexicon phrases."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qagraph.ingest.contradictions.lexicon import Lexicon
from qagraph.ingest.contradictions.words import tokens
from qagraph.kb.terms import all_lemmas, singular

# Words that end the stretch a qualifier reaches ("reduces variance, which ...").
BREAKS = frozenset(
    """
    but while whereas because since which where so although though however unless if when
    by through via then thus hence therefore
    """.split()
)
# Words that open a new clause with a subject of its own.
CLAUSE_OPENERS = frozenset({"while", "whereas", "but", "although", "though", "however"})
# Words opening a condition or a purpose ("if ...", "to reduce bias, ..."): what they say
# is not asserted.
CONDITIONS = frozenset({"if", "when", "whenever", "once", "unless", "suppose", "assuming"})
HYPOTHETICAL = frozenset({"if", "unless", "suppose", "assuming", "imagine"})
# Possibility: "can", "may" make a claim one of what may happen, not what does.
POSSIBLE = frozenset({"can", "could", "may", "might", "sometimes", "possibly", "often"})
# Last words of a concept name that only say what kind of thing it is: "unsupervised
# learning" still says "unsupervised", "linear regression" does not say "linear".
GENERIC_HEADS = frozenset(
    "learning method methods model models algorithm algorithms technique techniques "
    "approach approaches problem problems task tasks".split()
)
# Adverbs that sit between a negation and what it denies ("not very useful").
INTENSIFIERS = frozenset({"very", "really", "particularly", "always", "generally"})
# A clause's means ("through bagging and boosting") and a result ("into a strong learner").
MEANS = frozenset({"through", "via", "using"})
RESULT = "into"
TARGET_WINDOW = 8
MODIFIER_WINDOW = 3
NEGATION_REACH = 5


_PUNCT_BREAK_RE = re.compile(r"[,;:()\[\]\u2014]|\s-\s|\.(?=\s|$)")


def words_and_breaks(text: str) -> tuple[list[str], frozenset[int]]:
    """The claim's words (`words.tokens`) and the positions a comma, colon, semicolon,
    bracket or dash comes before."""
    words: list[str] = []
    breaks: set[int] = set()
    for part in _PUNCT_BREAK_RE.split(text):
        if words:
            breaks.add(len(words))
        words.extend(tokens(part))
    return words, frozenset(breaks)


def lexicon_matches(
    words: Sequence[str], lexicon: Lexicon
) -> list[tuple[int, int, list[tuple[str, int]]]]:
    """(start, end, entries) of every lexicon phrase, longest first, not overlapping; the
    last word of a phrase of several may be plural ("feature selections")."""
    out = []
    i = 0
    while i < len(words):
        for n in range(min(lexicon.longest, len(words) - i), 0, -1):
            span = tuple(words[i : i + n])
            entries = lexicon.lookup(span)
            if not entries and n > 1:
                entries = lexicon.lookup((*span[:-1], singular(span[-1])))
            if entries:
                out.append((i, i + n, entries))
                i += n
                break
        else:
            i += 1
    return out


def is_modifier(word: str) -> bool:
    """Whether a word can be an adjective or an adverb, or is an amount word ("more")."""
    lemmas = all_lemmas(word)
    return "ADJ" in lemmas or "ADV" in lemmas or word in {"more", "less", "fewer", "many", "few"}


def can_be_verb(word: str) -> bool:
    """Whether a word can be a verb or an auxiliary (lemminflect's parts of speech)."""
    return "VERB" in all_lemmas(word) or "AUX" in all_lemmas(word)
