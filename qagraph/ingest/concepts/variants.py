"""Fold variants of one concept together and choose the name it is shown under.

Plurals, hyphens and British spellings already share a `term_key`. What is left here:
typos ("regularizaton"), a generic last word ("random forest model" is the random forest)
and near-synonyms, found by embedding similarity. Embeddings also rate co-hyponyms alike
("l1 regularization" and "l2 regularization", "supervised" and "unsupervised learning"),
so two names that differ in one real word each are never merged, whatever their score.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np
from rapidfuzz import fuzz, process

from qagraph.ingest.neighbours import neighbour_pairs, pair_cosines
from qagraph.kb.terms import american, singular, term_key, term_tokens

logger = logging.getLogger(__name__)

# Last words that add nothing to what the rest of the name says ("svm algorithm").
EXTENSION_WORDS = frozenset(
    {
        "algorithm",
        "algorithms",
        "model",
        "models",
        "method",
        "methods",
        "technique",
        "techniques",
        "approach",
        "function",
        "functions",
        "problem",
        "problems",
    }
)
_DIGITS_RE = re.compile(r"\d+")
_NEGATIONS = ("un", "non", "in", "im", "dis", "semi", "multi", "over", "under")


class UnionFind:
    """Disjoint sets of keys; the first key added to a set stays its representative."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def add(self, key: str) -> None:
        self._parent.setdefault(key, key)

    def find(self, key: str) -> str:
        self.add(key)
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, keep: str, other: str) -> None:
        """Join the sets of `keep` and `other`; `keep`'s representative stays."""
        a, b = self.find(keep), self.find(other)
        if a != b:
            self._parent[b] = a

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key in self._parent:
            out.setdefault(self.find(key), []).append(key)
        return out


def typo_pairs(
    surfaces: Mapping[str, str], counts: Mapping[str, int], *, min_ratio: float
) -> list[tuple[str, str]]:
    """(frequent key, rare key) pairs whose names differ by a typo.

    Conservative on purpose: long names only, same first letter, same digits and word
    count, the rare spelling seen at most twice and three times less than the other.
    """
    common = [k for k in surfaces if counts[k] >= 3]
    common_keys = {k: k for k in common}
    pairs = []
    for rare_key, rare in surfaces.items():
        if counts[rare_key] > 2 or len(rare_key) < 7:
            continue
        for match, score, _ in process.extract(
            rare_key, common_keys, scorer=fuzz.ratio, score_cutoff=min_ratio, limit=3
        ):
            other = surfaces[match]
            if (
                counts[match] >= 3 * counts[rare_key]
                and _comparable(rare, other)
                and not _contrast(rare, other)
            ):
                pairs.append((match, rare_key))
                break
    return pairs


def extension_candidates(surfaces: Mapping[str, str]) -> list[tuple[str, str]]:
    """(short key, long key) pairs where the long name only adds a generic last word."""
    pairs = []
    for key, surface in surfaces.items():
        words = surface.split()
        if len(words) >= 2 and words[-1] in EXTENSION_WORDS:
            short = term_key(" ".join(words[:-1]))
            if short in surfaces:
                pairs.append((short, key))
    return pairs


def _comparable(a: str, b: str) -> bool:
    return (
        a[:1] == b[:1]
        and len(a.split()) == len(b.split())
        and _DIGITS_RE.findall(a) == _DIGITS_RE.findall(b)
        and abs(len(a) - len(b)) <= 2
    )


def synonym_pairs(
    surfaces: Mapping[str, str], vectors: Mapping[str, np.ndarray], *, min_similarity: float
) -> list[tuple[str, str]]:
    """Pairs of names with no word in common that the model rates as the same."""
    keys = [k for k in surfaces if k in vectors]
    if len(keys) < 2:
        return []
    matrix = np.ascontiguousarray(np.stack([vectors[k] for k in keys]), dtype=np.float32)
    # Each name's nearest names (FAISS), not all pairs: few names are this close.
    close = neighbour_pairs(matrix, min_similarity)
    close = close[pair_cosines(matrix, close) >= min_similarity]
    pairs = []
    for i, j in close.tolist():
        a, b = surfaces[keys[i]], surfaces[keys[j]]
        if not set(_stems(a)) & set(_stems(b)) and not _contrast(a, b, swapped_words=False):
            pairs.append((keys[i], keys[j]))
    return pairs


def _stems(name: str) -> list[str]:
    return [singular(american(t)) for t in term_tokens(name)]


def _contrast(a: str, b: str, *, swapped_words: bool = True) -> bool:
    """True when the names differ by a word that changes the meaning.

    "l1/l2", "supervised/unsupervised", and with `swapped_words` also "linear/logistic
    regression": a different number, a negating prefix, or one real word swapped for
    another (not a typo of it).
    """
    wa, wb = _stems(a), _stems(b)
    digits_a, digits_b = _DIGITS_RE.findall(a), _DIGITS_RE.findall(b)
    if digits_a and digits_b and digits_a != digits_b:
        return True  # "l1" and "l2"; "lasso" and "l1 regularization" may still be one
    only_a = [w for w in wa if w not in wb]
    only_b = [w for w in wb if w not in wa]
    if any(_negated(x, y) for x in only_a for y in only_b):
        return True
    if not swapped_words:
        return False
    # A word each side that typing cannot explain: two different words.
    return bool(only_a and only_b and fuzz.ratio(" ".join(only_a), " ".join(only_b)) < 80)


def _negated(x: str, y: str) -> bool:
    """True for one word with two prefixes: "supervised/unsupervised", "overfit/underfit"."""
    rests_x = {x[len(p) :]: p for p in ("", *_NEGATIONS) if x.startswith(p)}
    rests_y = {y[len(p) :]: p for p in ("", *_NEGATIONS) if y.startswith(p)}
    return any(len(r) > 2 and rests_x[r] != rests_y[r] for r in rests_x.keys() & rests_y.keys())


def display_name(surfaces: Counter[str]) -> str:
    """The name to show: the most used spelling, last word singular, American on ties."""

    def rank(item: tuple[str, int]) -> tuple[int, bool, int]:
        surface, count = item
        return (
            count,
            term_tokens(surface) == [american(t) for t in term_tokens(surface)],
            -len(surface),
        )

    best = max(surfaces.items(), key=rank)[0].lower()
    words = best.split()
    last = words[-1]
    parts = re.split(r"([-/])", last)
    parts[-1] = singular(parts[-1]) if parts[-1].isalpha() else parts[-1]
    words[-1] = "".join(parts)
    return " ".join(words)
