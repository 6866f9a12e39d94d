"""Matching keys for concept names: one key for every spelling of the same term.

Ingest uses `term_key` to merge variants ("Random Forests", "random forest"; "data set",
"dataset"; "normalisation", "normalization"; "trade-off", "tradeoff") and the graph uses the
same function to resolve what a user types, so both sides always agree. Keys are internal:
they are never shown and never stored, so the rules may change between versions. Words are
read by the text core (`qagraph.kb.text`), as everywhere else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

import lemminflect

from qagraph.kb.text import WORD_RE, fold, split_word

__all__ = ["all_lemmas", "american", "singular", "term_key", "term_tokens", "token_key_parts"]

# Only a whole leading word is an article: the "a" of "A/B test" is not.
_LEADING_ARTICLE_RE = re.compile(r"^(?:the|a|an)\s+(?=\S)", re.IGNORECASE)
# "CNNs", "ReLUs", "GPUs": an acronym with a plural s, which the lexicon does not know.
_ACRONYM_PLURAL_RE = re.compile(r"^[A-Za-z]*[A-Z][A-Za-z]*[A-Z]s$")

# Whole-word British spellings that the suffix rules below do not reach.
_BRITISH_WORDS = {
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "catalogue": "catalog",
    "centre": "center",
    "centred": "centered",
    "defence": "defense",
    "licence": "license",
    "programme": "program",
    "grey": "gray",
    "artefact": "artifact",
    "dialogue": "dialog",
    "analogue": "analog",
    "judgement": "judgment",
}
# "modelling" -> "modeling": only these stems double the l in British spelling; a general
# rule would turn "filling" into "filing".
_DOUBLE_L_STEMS = ("model", "label", "travel", "cancel", "signal", "channel", "level", "tunnel")
_DOUBLE_L_SUFFIXES = ("ling", "led", "ler", "lers")
_IS_TO_IZ = re.compile(r"(?<=[a-z]{3})is(e|ed|es|er|ers|ing|ation|ations)$")
_OUR_TO_OR = re.compile(r"(?<=[a-z]{3})our(s|ed|ing|ite|ites)?$")
_YSE_TO_YZE = re.compile(r"(?<=[a-z]{3})ys(e|ed|es|ing)$")
# A short word is never a plural worth folding ("was", "its", "gas", "bus").
_MIN_PLURAL_LEN = 4


@functools.lru_cache(maxsize=65536)
def american(word: str) -> str:
    """American spelling of one lower-case word ("normalisation" -> "normalization").

    The suffix rules over-apply on purpose ("supervised" -> "supervized"): a key only has to
    map both spellings of a word to the same string, and the rules never merge two different
    words that a technical text uses.
    """
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    for stem in _DOUBLE_L_STEMS:
        for suffix in _DOUBLE_L_SUFFIXES:
            if word == stem + suffix[1:] or word == stem + "l" + suffix[1:]:
                return stem + suffix[1:]
    if len(word) >= 6:
        word = _OUR_TO_OR.sub(lambda m: "or" + (m.group(1) or ""), word)
    word = _IS_TO_IZ.sub(lambda m: "iz" + m.group(1), word)
    return _YSE_TO_YZE.sub(lambda m: "yz" + m.group(1), word)


@functools.lru_cache(maxsize=131072)
def all_lemmas(word: str) -> Mapping[str, tuple[str, ...]]:
    """lemminflect's lemmas of `word` by part of speech (read-only), memoised.

    lemminflect deep-copies its answer on every call, which made the lookups a large
    share of ingest; words repeat, so each is looked up once.
    """
    return MappingProxyType(lemminflect.getAllLemmas(word))


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """Singular of a lower-case noun ("forests" -> "forest", "cnns" -> "cnn", "bias" kept)."""
    if len(word) < _MIN_PLURAL_LEN or not word.isalpha():
        # "l1s" is not a word; digits mark names that are never pluralised anyway.
        return word
    lemmas = all_lemmas(word).get("NOUN")
    if lemmas is None:
        if all_lemmas(word):
            return word  # a known word that cannot be a noun
        if not word.endswith("s") or word.endswith(("ss", "us", "is")):
            return word
        lemmas = lemminflect.getAllLemmasOOV(word, "NOUN").get("NOUN", (word,))
    # The lexicon lists the usual reading first: "letters" -> "letter", "data" -> "data".
    return lemmas[0]


def term_tokens(text: str) -> list[str]:
    """Lower-case word tokens of a term as written (spelling and plurals untouched).

    The text core's words split at hyphens and underscores (slashes and other punctuation
    separate words already); a possessive 's is dropped, and so is the plural s of an
    acronym ("CNNs" -> "cnn").
    """
    tokens = []
    # Case is folded only per token: the acronym rule reads the capitals as written.
    for word in WORD_RE.findall(fold(text)):
        for token in split_word(word, "-_"):
            if _ACRONYM_PLURAL_RE.match(token):
                token = token[:-1]
            token = token.casefold()
            if token.endswith("'s"):
                token = token[:-2]
            tokens.append(token.replace("'", ""))
    return [t for t in tokens if t]


@functools.lru_cache(maxsize=65536)
def term_key(text: str) -> str:
    """The matching key of a term: spelling variants of one term share it.

    Lower case, American spelling, the last word singular, leading articles dropped, and
    no separators, so that "Random Forests", "random-forest", "The random forest" and
    "randomforest" all give "randomforest".

    Args:
        text: A term as written ("Data Sets", "trade-off", "Normalisation").

    Returns:
        The key; "" when the text holds no word.
    """
    text = _LEADING_ARTICLE_RE.sub("", text.strip())
    tokens = term_tokens(text)
    if not tokens:
        return ""
    # The plural is folded before the spelling, as the lexicon knows "analyses" but not
    # the "analyzes" the spelling rules would make of it.
    tokens[-1] = singular(tokens[-1])
    return "".join(american(t) for t in tokens)


@functools.lru_cache(maxsize=65536)
def token_key_parts(token: str) -> tuple[str, str]:
    """Key pieces of one written token: inside a term, and as a term's last word.

    `term_key` of words w1 ... wn (n > 1, w1 not an article) equals the inside pieces of
    w1 ... wn-1 followed by the last piece of wn, so a matcher can build the key of every
    n-gram by joining cached pieces instead of normalising each n-gram again.
    """
    pieces = term_tokens(token)
    if not pieces:
        return "", ""
    inside = "".join(american(p) for p in pieces)
    last = "".join(american(p) for p in pieces[:-1]) + american(singular(pieces[-1]))
    return inside, last
