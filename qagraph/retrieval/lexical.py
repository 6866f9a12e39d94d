"""Lexical search: BM25 (bm25s) over each node's question and answer.

The index is rebuilt when a store is opened rather than persisted: it takes milliseconds
for the bundled corpus (see `qagraph bench`), and one fewer file cannot go stale. Query
words the corpus never uses are matched to the closest corpus word (rapidfuzz), so a typo
such as "desent" still finds "descent".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS
from rapidfuzz import fuzz, process

from qagraph.kb.records import QANode
from qagraph.kb.text import fold_marks, normalize, split_word, word_spans
from qagraph.kb.text import words as core_words

logger = logging.getLogger(__name__)
# bm25s pins its logger to DEBUG at import, which would print a line on every index build
# whatever the command's verbosity; NOTSET defers to the level the application chose.
logging.getLogger("bm25s").setLevel(logging.NOTSET)

# BM25 keeps the search engine's own stop words (bm25s's English list) and does not add the
# text core's: that list is made for reading phrases and claims, and drops words such as
# "use", "often" or "well" that still tell two answers apart (with it, lexical Hit@1 on
# the whole bundled eval set falls from 0.760 to 0.751). Interview-question boilerplate
# carries no topic: "explain" or "describe" in a query must not count as knowing what it
# is about.
STOPWORDS = frozenset(STOPWORDS_EN_PLUS) | {
    "would", "could", "might", "may", "must", "shall", "also", "explain", "describe",
    "tell", "give", "mean", "means", "meant", "example", "examples", "like", "know", "one",
    "us", "please", "thing", "things", "way", "ways", "get", "difference", "differences",
}  # fmt: skip
_PART_RE = re.compile(r"[^-']+")  # the parts `_parts` splits a folded word into
_MIN_FUZZY_LEN = 4  # shorter words have too many near neighbours to correct safely
_FUZZY_CUTOFF = 84.0


@lru_cache(maxsize=1)
def _stemmer():
    """PyStemmer's English Snowball stemmer, or None when it is not installed."""
    try:
        import Stemmer
    except ImportError:
        logger.warning("PyStemmer is not installed: lexical search runs without stemming")
        return None
    return Stemmer.Stemmer("english")


def _parts(word: str) -> list[str]:
    """The indexed parts of one of the text core's words.

    BM25 splits a word at hyphens and apostrophes, so "cross-validation" also matches
    "cross validation" and "model's" matches "model", but keeps a code identifier whole
    ("n_estimators"): its parts alone would match every "n" and "estimators". A part of one
    character says nothing ("s" of "what's"). Stemming comes on top, in `stem`.
    """
    return [p for p in split_word(word, "-'") if len(p) > 1]


def words(text: str) -> list[str]:
    """Lower-cased content words of `text` (two characters or more, stop words removed)."""
    return [p for w in core_words(text) for p in _parts(w) if p not in STOPWORDS]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-cased word."""
    stemmer = _stemmer()
    return stemmer.stemWord(word) if stemmer is not None else word


class QueryTerms(NamedTuple):
    """How a query maps onto the corpus vocabulary.

    Attributes:
        words: The query's content words.
        stems: Stems searched for (known words, plus corrections of unknown ones).
        known: Share of content words the corpus uses, as they are or once corrected.
        corrected: Unknown word -> corpus word it was taken for.
    """

    words: list[str]
    stems: list[str]
    known: float
    corrected: dict[str, str]


class LexicalIndex:
    """BM25 over nodes, question text repeated `question_boost` times before the answer.

    Args:
        nodes: The nodes to index, in any order.
        question_boost: How many times the question counts; questions are the sharper
            signal in a FAQ, and repetition is how plain BM25 weighs a field.
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
    """

    def __init__(
        self,
        nodes: Sequence[QANode],
        *,
        question_boost: int = 2,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        if question_boost < 1:
            raise ValueError(f"question_boost must be >= 1, not {question_boost}")
        self.node_ids = [n.id for n in nodes]
        node_words = [set(words(n.question + "\n" + n.answer)) for n in nodes]
        self._node_stems = [{stem(w) for w in doc} for doc in node_words]
        corpus = [
            [stem(w) for w in words((n.question + "\n") * question_boost + n.answer)] for n in nodes
        ]
        vocab_words = sorted({w for doc in node_words for w in doc})
        self._vocab_stems = {stem(w) for w in vocab_words}
        # Typos rarely hit the first letter; keeping it both avoids corrections such as
        # "taxes" -> "axes" and cuts the words each fuzzy lookup compares against.
        self._by_initial: dict[str, list[str]] = {}
        for word in vocab_words:
            self._by_initial.setdefault(word[0], []).append(word)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        # bm25s cannot index an empty corpus or all-empty documents: keep the scorer unset.
        self._empty = not any(corpus)
        if not self._empty:
            self._bm25.index(corpus, show_progress=False)

    def __len__(self) -> int:
        return len(self.node_ids)

    def terms(self, query: str) -> QueryTerms:
        """The query's content words, their stems and typo corrections."""
        query_words = words(query)
        stems: list[str] = []
        corrected: dict[str, str] = {}
        known = 0
        for word in query_words:
            stemmed = stem(word)
            if stemmed in self._vocab_stems:
                known += 1
                stems.append(stemmed)
                continue
            choices = self._by_initial.get(word[0])
            if len(word) < _MIN_FUZZY_LEN or not choices:
                continue
            match = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if match is not None:
                corrected[word] = match[0]
                stems.append(stem(match[0]))
        share = (known + len(corrected)) / len(query_words) if query_words else 0.0
        return QueryTerms(query_words, stems, share, corrected)

    @staticmethod
    def corrected_text(query: str, terms: QueryTerms) -> str | None:
        """The query with each corrected word replaced, or None when nothing was corrected."""
        if not terms.corrected:
            return None

        folded, out, last = fold_marks(query), [], 0
        for start, end in word_spans(query):
            # Each part of a written word, at its place in the query ("Gradiant-desent").
            for part in _PART_RE.finditer(folded, start, end):
                fixed = terms.corrected.get(normalize(part.group()))
                if fixed is not None:
                    out += [query[last : part.start()], fixed]
                    last = part.end()
        return "".join(out) + query[last:]

    def scores(self, terms: QueryTerms) -> np.ndarray:
        """BM25 score of every node (in `node_ids` order) for the query terms."""
        if self._empty or not terms.stems:
            return np.zeros(len(self.node_ids), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms.stems), dtype=np.float32)

    def overlap(self, terms: QueryTerms, row: int) -> float:
        """Share of the query's content words (after correction) that node `row` contains."""
        if not terms.words:
            return 0.0
        have = self._node_stems[row]
        hits = sum(stem(terms.corrected.get(w, w)) in have for w in terms.words)
        return hits / len(terms.words)
