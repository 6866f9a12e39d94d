"""FAISS neighbour pairs against trying every pair: exact on the flat index, near on HNSW."""

from __future__ import annotations

import numpy as np
import pytest

from qagraph.ingest import neighbours
from qagraph.ingest.contradictions import answer_pairs
from qagraph.ingest.neighbours import neighbour_pairs, pair_cosines


def clustered(n: int, dim: int = 48, clusters: int = 200, seed: int = 0) -> np.ndarray:
    """Unit vectors in tight clusters, one of them large (300 rows): many close pairs, as
    repeated questions give, and rows with more close rows than a k-NN search asks for."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim))
    members = rng.integers(1, clusters, n)
    members[:300] = 0
    x = centres[members] + 0.35 * rng.standard_normal((n, dim))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


def brute_force(x: np.ndarray, min_sim: float) -> set[tuple[int, int]]:
    sims = x @ x.T
    i, j = np.nonzero(np.triu(sims >= min_sim, 1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize("min_sim", [0.5, 0.8, 0.95])
def test_flat_search_finds_every_pair(min_sim: float) -> None:
    x = clustered(600)
    pairs = neighbour_pairs(x, min_sim, k=4)  # k grows where rows have more
    found = {tuple(p) for p in pairs[pair_cosines(x, pairs) >= min_sim].tolist()}
    assert found == brute_force(x, min_sim)
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(np.unique(pairs, axis=0)) == len(pairs)


def test_hnsw_search_finds_nearly_every_pair() -> None:
    x = clustered(3000)
    expected = brute_force(x, 0.8)
    pairs = neighbour_pairs(x, 0.8, exact_limit=0)
    found = {tuple(p) for p in pairs[pair_cosines(x, pairs) >= 0.8].tolist()}
    assert found <= expected
    assert len(found) >= 0.98 * len(expected)


def test_k_max_caps_the_pairs_per_row() -> None:
    x = clustered(400, clusters=3)
    pairs = neighbour_pairs(x, -1.0, k=4, k_max=10)
    # Each row's search gives at most k_max pairs; a pair both rows found counts once.
    assert len(x) * 9 // 2 <= len(pairs) <= len(x) * 10


def test_too_few_rows() -> None:
    assert neighbour_pairs(np.zeros((1, 8), np.float32), 0.5).shape == (0, 2)
    assert neighbour_pairs(np.zeros((0, 8), np.float32), 0.5).shape == (0, 2)


def test_answer_projection_finds_nearly_every_close_pair(monkeypatch) -> None:
    """TF-IDF-like sparse rows: the projected search against the exact sparse product."""
    from scipy import sparse

    rng = np.random.default_rng(1)
    topics = [rng.choice(3000, size=30, replace=False) for _ in range(60)]
    rows, cols, vals = [], [], []
    for r in range(1500):
        words = rng.choice(topics[r % 60], size=12, replace=False)
        words = np.concatenate([words, rng.choice(3000, size=8)])
        for w in np.unique(words):
            rows.append(r)
            cols.append(int(w))
            vals.append(float(rng.uniform(0.5, 1.5)))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(1500, 3000), dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
    m = sparse.csr_matrix(sparse.diags(1 / norms) @ m, dtype=np.float32)
    exact = answer_pairs.answer_pairs(m, 0.3, k_max=64)
    monkeypatch.setattr(answer_pairs, "EXACT_ANSWERS", 0)
    monkeypatch.setattr(neighbours, "EXACT_LIMIT", 0)
    near = answer_pairs.answer_pairs(m, 0.3, k_max=64)
    kept = near[answer_pairs.pair_products(m, near) >= 0.3]
    expected = {tuple(p) for p in exact.tolist()}
    found = {tuple(p) for p in kept.tolist()}
    assert found <= expected
    assert len(found) >= 0.9 * len(expected)


@pytest.mark.parametrize("k", [1, 3, 50])
def test_nearest_per_row_is_the_union_of_each_rows_best(k: int) -> None:
    rng = np.random.default_rng(k)
    pairs = np.unique(np.sort(rng.integers(0, 30, size=(200, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    sims = rng.random(len(pairs)).round(2)  # rounded: ties go to the pair listed first
    want = np.zeros(len(pairs), dtype=bool)
    for row in range(30):
        mine = [p for p in range(len(pairs)) if row in pairs[p]]
        mine.sort(key=lambda p: (-sims[p], p))
        want[mine[:k]] = True
    assert neighbours.nearest_per_row(pairs, sims, k).tolist() == want.tolist()
    assert neighbours.nearest_per_row(pairs[:0], sims[:0], k).tolist() == []
