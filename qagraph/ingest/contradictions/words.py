"""Words for comparing claims: tokens, lemmas, stop words and the cue lexicons.

Every detector compares claims through the same lemmatised tokens, so "reduces" and
"reduce", "models" and "model" meet. Cue words (negations, quantifiers, polar words) are
kept as tokens but left out of the content words, because the overlap that tells two
claims are about the same thing must not depend on the cue that tells them apart.
"""

from __future__ import annotations

import functools
import re

from qagraph.kb.terms import all_lemmas, american
from qagraph.kb.text import STOP_WORDS as CORE_STOP_WORDS
from qagraph.kb.text import WORD_RE, fold, split_word

# Contractions are expanded before tokenising so that "doesn't" gives a "not" token.
_CONTRACTIONS = (
    (re.compile(r"\bcan(?:'t|not)\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain't\b"), "is not"),
    (re.compile(r"n't\b"), " not"),
)

#: The text core's function words, and nouns that never say what a claim is about.
STOP_WORDS = CORE_STOP_WORDS | frozenset(
    "example examples kind kinds lot lots thing things way ways".split()
)

#: Negation cues; "without" and "never" are quantifier cues too and handled there first.
NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "none", "nothing", "nobody"})

#: Phrases where a negation word does not deny the statement it sits in.
HEDGED_NEGATIONS = (
    ("not", "necessarily"),
    ("not", "only"),
    ("not", "just"),
    ("not", "always"),
    ("not", "all"),
    ("not", "too"),
    ("not", "much"),
    ("or", "not"),
    ("no", "matter"),
    ("not", "more"),
    ("no", "more"),
    ("not", "least"),
    ("if", "not"),
)

#: Words the quantifier and modality detector reads; they never count as content.
QUANTIFIER_WORDS = frozenset(
    """
    always never all every none without with must need needs required necessary mandatory
    unnecessary optional sometimes invariably
    """.split()
)

# fmt: off
#: Polar words: word -> (axis, sign). Opposite signs on one axis, about the same target,
#: are what the antonym detector looks for. Comparatives take their target from the word
#: they modify ("more robust"), verbs from their object ("reduces variance").
COMPARATIVES = {
    "more": 1, "less": -1, "fewer": -1, "greater": 1, "higher": 1, "lower": -1,
    "larger": 1, "smaller": -1, "bigger": 1,
}
DIRECTIONAL_VERBS = {
    "increase": ("amount", 1), "decrease": ("amount", -1), "reduce": ("amount", -1),
    "raise": ("amount", 1), "boost": ("amount", 1), "shrink": ("amount", -1),
    "lower": ("amount", -1), "maximize": ("extreme", 1), "minimize": ("extreme", -1),
    "improve": ("quality", 1), "worsen": ("quality", -1), "degrade": ("quality", -1),
    "hurt": ("quality", -1), "overestimate": ("estimate", 1), "underestimate": ("estimate", -1),
    "overprice": ("estimate", 1), "underprice": ("estimate", -1),
}
POLAR_ADJECTIVES = {
    "robust": ("robustness", 1), "sensitive": ("robustness", -1), "fragile": ("robustness", -1),
    "stable": ("stability", 1), "unstable": ("stability", -1),
    "supervised": ("supervision", 1), "unsupervised": ("supervision", -1),
    "linear": ("linearity", 1), "non-linear": ("linearity", -1), "nonlinear": ("linearity", -1),
    "convex": ("convexity", 1), "non-convex": ("convexity", -1),
    "biased": ("bias", 1), "unbiased": ("bias", -1),
    "sparse": ("density", -1), "dense": ("density", 1),
    "faster": ("speed", 1), "slower": ("speed", -1), "fast": ("speed", 1), "slow": ("speed", -1),
    "better": ("quality", 1), "worse": ("quality", -1),
    "efficient": ("efficiency", 1), "inefficient": ("efficiency", -1),
    "accurate": ("accuracy", 1), "inaccurate": ("accuracy", -1),
    "lossless": ("loss", -1), "lossy": ("loss", 1),
    "directly": ("correlation", 1), "inversely": ("correlation", -1),
    "overfit": ("fit", 1), "underfit": ("fit", -1),
    "overfitting": ("fit", 1), "underfitting": ("fit", -1),
    "continuous": ("continuity", 1), "discrete": ("continuity", -1),
}
# fmt: on


def normalize_text(text: str) -> str:
    """The text core's `fold` (NFKC, straight quotes), case folded, contractions expanded.

    Dashes stay as written: `numbers` reads an en dash as a range separator ("0\u20131"),
    which a hyphen is not ("-1" is a negative number). Whitespace stays too.
    """
    text = fold(text, dashes=False).casefold()
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    return text


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of `text`, contractions expanded ("doesn't" -> does, not).

    The text core's words, a code identifier split at its underscores ("y_pred" -> y, pred),
    a possessive 's dropped.
    """
    out = []
    for word in WORD_RE.findall(normalize_text(text)):
        for token in split_word(word, "_"):
            out.append(token[:-2] if token.endswith("'s") else token)
    return out


@functools.lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """One lemma per surface form, the same for all inflections of a word.

    Inflected forms take the verb lemma ("reduces", "reduced", "training" -> reduce, train)
    so that a verb and its gerund meet; other forms the noun lemma; unknown words (most
    technical terms) lose a plural s ("relus" -> "relu").
    """
    word = american(word)
    if any(ch.isdigit() for ch in word) or "-" in word:
        return word
    lemmas = all_lemmas(word)
    if "VERB" in lemmas and word.endswith(("s", "ed", "ing")):
        return lemmas["VERB"][0]
    for pos in ("NOUN", "VERB", "ADJ"):
        if pos in lemmas:
            # Keep the word itself when the lexicon allows it ("data", not "datum").
            return word if word in lemmas[pos] else lemmas[pos][0]
    if not lemmas and len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def is_cue(word: str) -> bool:
    """True for negation, quantifier and polar words, which never count as content."""
    return (
        word in NEGATIONS
        or word in QUANTIFIER_WORDS
        or word in COMPARATIVES
        or word in POLAR_ADJECTIVES
        or lemma(word) in DIRECTIONAL_VERBS
    )


def is_content(word: str) -> bool:
    """True for words that say what a claim is about (not stop words, cues or bare numbers).

    Polar adjectives count, under their axis (see `content_key`).
    """
    if word in POLAR_ADJECTIVES:
        return True
    return (
        len(word) > 1
        and word not in STOP_WORDS
        and not word.replace(".", "").replace(",", "").isdigit()
        and not is_cue(word)
    )


def content_key(word: str) -> str:
    """The key a content word is compared by: its lemma, or "@axis" for a polar adjective.

    "Overfitting" and "underfitting" both become "@fit": two claims that differ only by
    such a pair are about the same thing, which is what the overlap has to say.
    """
    polar = POLAR_ADJECTIVES.get(word)
    return "@" + polar[0] if polar else lemma(word)


@functools.lru_cache(maxsize=65536)
def content_lemmas(text: str) -> frozenset[str]:
    """The set of content keys of `text` (see `content_key`); cached, as every detector
    asks for the same claims' keys."""
    return frozenset(content_key(t) for t in tokens(text) if is_content(t))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b|, 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / min(|a|, |b|): how much of the shorter claim the longer one repeats."""
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0
