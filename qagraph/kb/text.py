"""The text core: how qagraph reads words, the same way wherever it compares text.

One normalisation (`normalize`: NFKC, typographic quotes and hyphen-like dashes made ASCII,
case folded, whitespace squashed), one word regex (`WORD_RE`, read through `words` and
`word_spans`) and one list of function words (`STOP_WORDS`). The matching key of concept
names (`qagraph.kb.terms.term_key`) is built on it, and so are the concept matchers of
ingest (`qagraph.ingest.concepts.matcher`), of the graph (`qagraph.kb.lookup`), of
retrieval (`qagraph.retrieval.concept_match`) and of the app
(`qagraph.ui.concept_index`), BM25's words (`qagraph.retrieval.lexical`) and the words
contradiction detection compares claims by (`qagraph.ingest.contradictions.words`).

A word is a run of letters and digits; an inner hyphen, apostrophe or underscore joins
two runs into one written word ("cross-validation", "don't", "n_estimators"). What a
reader does with a joined word is its own choice, made where it reads: the matching key
splits it at every joiner, BM25 at hyphens and apostrophes but not inside a code
identifier, retrieval's concept matcher only inside a code identifier.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ALNUM",
    "LETTER",
    "STOP_WORDS",
    "WORD_RE",
    "fold",
    "fold_marks",
    "normalize",
    "split_word",
    "word_spans",
    "words",
]

LETTER = r"[^\W\d_]"
"""Regex class of one letter, in any script."""
ALNUM = r"[^\W_]"
"""Regex class of one letter or digit (`\\w` without the underscore)."""
JOINERS = "-'_"
"""Characters that join two runs of letters and digits into one word."""
WORD_RE = re.compile(rf"{ALNUM}+(?:[{re.escape(JOINERS)}]{ALNUM}+)*")
"""One word: letters and digits, runs joined by an inner hyphen, apostrophe or underscore."""

# One character for one, so that a position in the folded text is the same position in
# the text as written. An em dash stays: it separates clauses, it never joins two words.
_QUOTES = {
    "\u2018": "'",  # left single quote, also typed for an apostrophe
    "\u2019": "'",  # right single quote: the typographic apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
}
_DASHES = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash: "bias\u2013variance", "0\u20131"
    "\u2212": "-",  # minus sign
}
_QUOTES_ONLY = str.maketrans(_QUOTES)
_QUOTES_AND_DASHES = str.maketrans({**_QUOTES, **_DASHES})

# Function words, pronouns, auxiliaries, light verbs and discourse filler: words that say
# nothing about what a phrase or a claim is about. Readers with a narrower purpose add
# their own on top (the concept chunker adjectives and numerals, the claim comparison
# "thing" and "way"); none takes any away.
STOP_WORDS = frozenset(
    """
    a able about above across after again against almost along already also although am
    among an and another any anyone anything are around as at away be because been before
    being below beside between beyond both but by can could did do does doing done down
    during e each eg either else enough especially etc even ever everyone everything for
    from further g get gets getting go goes going got had has have having he her here hers
    herself him himself his how however i ie if in instead into is it its itself just let
    lets like likely made make makes making may maybe me might mine much my myself near
    nevertheless now of off often on once one ones only onto or other others otherwise our
    ours ourselves out over own per perhaps please quite rather really said same say says
    several shall she should since so some someone something sometimes somewhat such than
    that the their theirs them themselves then there therefore these they this those though
    through throughout thus to together too toward towards under unless until up upon us
    use used uses using usually very via vs was we well were what whatever when whenever
    where whereas whether which while who whom whose why will with within would yes yet you
    your yours yourself yourselves
    """.split()
)


def fold_marks(text: str, *, dashes: bool = True) -> str:
    """Typographic quotes, and unless `dashes` is False hyphen-like dashes, made ASCII.

    Case, length and positions are kept: a span found in the result is the same span of
    `text`.
    """
    return text.translate(_QUOTES_AND_DASHES if dashes else _QUOTES_ONLY)


def fold(text: str, *, dashes: bool = True) -> str:
    """NFKC, then `fold_marks`: the text as the core reads it, case kept."""
    return fold_marks(unicodedata.normalize("NFKC", text), dashes=dashes)


def normalize(text: str) -> str:
    """The normal form text is compared in: `fold`, case folded, whitespace squashed.

    "Naïve  Bayes’ ﬁlter" -> "naïve bayes' filter".
    """
    return " ".join(fold(text).casefold().split())


def words(text: str) -> list[str]:
    """The words of `text`, normalised ("Cross‑Validation’s" -> "cross-validation's")."""
    return WORD_RE.findall(normalize(text))


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word of `text`, as positions in `text` itself.

    For readers that must point back at the words as written; `normalize` of a span's
    text is the word `words` gives for it.
    """
    return [m.span() for m in WORD_RE.finditer(fold_marks(text))]


def split_word(word: str, joiners: str = JOINERS) -> list[str]:
    """The parts of a word at the given joiners ("cross-validation" -> cross, validation)."""
    if not any(j in word for j in joiners):
        return [word]
    return [p for p in re.split(f"[{re.escape(joiners)}]", word) if p]
