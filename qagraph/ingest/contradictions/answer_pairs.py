"""Answers compared as bags of rare words: TF-IDF vectors and the pairs close by them.

Lexical rather than embedded: the answers' rare shared words are what says two answers
discuss the same thing ("L1 and L2 regularization" and "Lasso and Ridge" answers share
"penalty", "coefficients", "sparse"), and it costs no model call.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from qagraph.ingest.contradictions.claims import answer_segments
from qagraph.ingest.contradictions.words import content_key, is_content, tokens
from qagraph.ingest.neighbours import neighbour_pairs
from qagraph.kb.records import QANode

# Rows of the answer similarity matrix computed at once: bounds memory on a large corpus.
_BLOCK = 512
# Nodes up to which answer pairs come from exact sparse products (N^2 in the worst case:
# every pair sharing a word); above, from a random projection searched in FAISS.
EXACT_ANSWERS = 5_000
# Dimensions of that projection, and how much lower its cosine may be than the exact one
# (the projection's error has a standard deviation near 1/sqrt(dims) = 0.06).
_PROJECTION_DIMS = 256
_PROJECTION_SLACK = 0.1


def _answer_keys(answer: str) -> list[str]:
    return [content_key(t) for s in answer_segments(answer) for t in tokens(s) if is_content(t)]


def answer_vectors(nodes: Sequence[QANode]) -> sparse.csr_matrix:
    """Unit TF-IDF vectors of the answers' content words, one row per node.

    Lexical rather than embedded: the answers' rare shared words are what says two answers
    discuss the same thing, and it costs no model call. Sparse, so that a large corpus
    does not need a dense nodes-by-vocabulary matrix.
    """
    bags = [Counter(_answer_keys(n.answer)) for n in nodes]
    df = Counter(k for bag in bags for k in bag)
    vocab = {k: i for i, k in enumerate(sorted(df))}
    rows, cols, vals = [], [], []
    for row, bag in enumerate(bags):
        weights = {k: (1 + math.log(c)) * math.log(len(nodes) / df[k]) for k, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for key, weight in weights.items():
            rows.append(row)
            cols.append(vocab[key])
            vals.append(weight / norm)
    shape = (len(nodes), len(vocab))
    return sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)


def answer_pairs(answers: sparse.csr_matrix, min_sim: float, *, k_max: int) -> np.ndarray:
    """Pairs (i < j) whose answers' TF-IDF cosine may reach `min_sim`.

    Exact up to `EXACT_ANSWERS` nodes (every pair at `min_sim` or more). Above, each
    node's nearest answers by a random projection of the TF-IDF vectors (Johnson and
    Lindenstrauss: cosines are kept to about 1/sqrt(dims)), searched at a lower cosine
    and at most `k_max` a node; the caller computes the exact cosines.
    """
    n = answers.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if n <= EXACT_ANSWERS:
        out = []
        for start in range(0, n, _BLOCK):
            stop = min(start + _BLOCK, n)
            close = (answers[start:stop] @ answers.T).toarray() >= min_sim
            close &= np.arange(n)[None, :] > np.arange(start, stop)[:, None]
            i, j = np.nonzero(close)
            out.append(np.stack([start + i, j], axis=1).astype(np.int64))
        return np.concatenate(out)
    rng = np.random.default_rng(0)
    plan = rng.standard_normal((answers.shape[1], _PROJECTION_DIMS)).astype(np.float32)
    dense = np.asarray(answers @ plan, dtype=np.float32)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense /= np.where(norms > 0, norms, 1.0)
    return neighbour_pairs(dense, min_sim - _PROJECTION_SLACK, k_max=k_max)


def pair_products(matrix: sparse.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Row-by-row dot products of the rows `pairs` names, for a sparse matrix."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float32)
    out = np.empty(len(pairs), dtype=np.float32)
    # In chunks: two sparse row selections of every pair at once may be large.
    for start in range(0, len(pairs), 65_536):
        chunk = pairs[start : start + 65_536]
        products = matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]])
        out[start : start + len(chunk)] = np.asarray(products.sum(axis=1)).ravel()
    return out
