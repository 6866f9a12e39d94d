"""Close pairs of unit vectors from FAISS nearest-neighbour searches.

Ingest needs, several times over, the pairs of rows whose cosine reaches a threshold
(questions asked twice, contradiction candidates, concept names that mean alike). Trying
every pair costs N^2 d; asking each row for its k nearest neighbours costs N k searches.
Up to `EXACT_LIMIT` rows the search is FAISS's exact flat index (still N^2 d flops, but
in one BLAS pass and linear memory); above it an HNSW graph, O(N log N) to build and to
search, which may miss a few pairs (its recall at the settings below is measured in
tests/ingest/test_neighbours.py).

`k` adapts: a row whose k-th neighbour still reaches the threshold is searched again with
twice as many, up to `k_max`, and past 256 with an exact range search; so on the flat
index every pair above the threshold is found when no row has more than `k_max` of them.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: Rows up to which the exact flat index is searched; above, HNSW.
EXACT_LIMIT = 20_000
#: HNSW graph degree and search breadth (recall above 0.99 on MiniLM question vectors).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128
# Neighbours asked for at most in one k-NN search; rows with more close rows get a range
# search of a flat index.
_K_SEARCH = 256
# Pairs whose cosines are computed at once.
_PAIR_CHUNK = 65_536
# Similarities from FAISS and numpy may differ in the last bits: search a little lower,
# callers compare exact cosines against their thresholds.
_SLACK = 1e-4


def vector_index(vectors: np.ndarray, *, exact_limit: int | None = None) -> Any:
    """An inner-product FAISS index over `vectors`: flat up to `exact_limit` rows (default
    `EXACT_LIMIT`), else HNSW."""
    import faiss

    exact_limit = EXACT_LIMIT if exact_limit is None else exact_limit
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = x.shape[1]
    if x.shape[0] <= exact_limit:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(x)
    return index


def search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, row ids) of the `k` nearest rows of each query; ids -1 pad."""
    import faiss

    k = max(1, min(k, index.ntotal))
    x = np.ascontiguousarray(queries, dtype=np.float32)
    if isinstance(index, faiss.IndexHNSWFlat):
        # ef below k would return fewer than k neighbours.
        index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * k)
    return index.search(x, k)


def neighbour_pairs(
    vectors: np.ndarray,
    min_sim: float,
    *,
    k: int = 16,
    k_max: int | None = None,
    exact_limit: int | None = None,
    index: Any = None,
) -> np.ndarray:
    """Pairs (i, j), i < j, of rows whose FAISS similarity reaches `min_sim` (less a slack).

    Args:
        vectors: Unit vectors, one per row.
        min_sim: The cosine a pair must reach.
        k: Neighbours asked for at first.
        k_max: Most neighbours asked for per row (None: all rows).
        exact_limit: Rows up to which the search is exact (default `EXACT_LIMIT`).
        index: An index over `vectors` already built (see `vector_index`).

    Returns:
        An int64 array of shape (pairs, 2), sorted by i then j, without repeats.
    """
    n = vectors.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    index = index if index is not None else vector_index(x, exact_limit=exact_limit)
    limit = n if k_max is None else min(n, max(1, k_max))
    floor = min_sim - _SLACK
    rows = np.arange(n)
    found: list[np.ndarray] = []
    want = min(max(2, k), limit)
    while rows.size:
        sims, ids = search(index, x[rows], want)
        hit = (sims >= floor) & (ids >= 0) & (ids != rows[:, None])
        found.append(np.stack([np.repeat(rows, hit.sum(axis=1)), ids[hit]], axis=1))
        # Rows whose last neighbour still counts may have more: ask them again for more.
        full = (sims[:, -1] >= floor) & (ids[:, -1] >= 0)
        if want >= limit or not full.any():
            break
        rows, want = rows[full], min(2 * want, limit)
        if want > _K_SEARCH:
            # A large k is slow on HNSW and gains little on a flat index: the few rows
            # with that many close rows (a question asked hundreds of times) get an
            # exact range search instead, O(rows N d).
            found.append(_range_pairs(index, x, rows, floor, limit))
            break
    pairs = np.concatenate(found).astype(np.int64)
    pairs = np.sort(pairs, axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    logger.debug("%d pairs at cosine >= %.2f among %d rows", len(pairs), min_sim, n)
    return pairs


def _range_pairs(index: Any, x: np.ndarray, rows: np.ndarray, floor: float, limit: int):
    """(row, neighbour) of every neighbour at `floor` or more of `rows`, the `limit`
    nearest of each, from an exact flat index."""
    import faiss

    flat = index if isinstance(index, faiss.IndexFlat) else vector_index(x, exact_limit=len(x))
    out = []
    for start in range(0, len(rows), 256):  # bounds the result of one call
        chunk = rows[start : start + 256]
        lims, sims, ids = flat.range_search(x[chunk], floor)
        for r, row in enumerate(chunk.tolist()):
            s, i = sims[lims[r] : lims[r + 1]], ids[lims[r] : lims[r + 1]]
            if len(i) > limit:
                i = i[np.argsort(-s, kind="stable")[:limit]]
            out.append(np.stack([np.full(len(i), row), i], axis=1))
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def pair_cosines(vectors: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Exact cosines of `pairs` of unit rows (numpy, as the rules compare them)."""
    out = np.empty(len(pairs), dtype=np.float32)
    # In chunks: the rows of millions of pairs at once would take gigabytes.
    for start in range(0, len(pairs), _PAIR_CHUNK):
        chunk = pairs[start : start + _PAIR_CHUNK]
        out[start : start + len(chunk)] = np.einsum(
            "ij,ij->i", vectors[chunk[:, 0]], vectors[chunk[:, 1]]
        )
    return out


def nearest_per_row(pairs: np.ndarray, sims: np.ndarray, k: int) -> np.ndarray:
    """Which `pairs` are among the `k` most similar pairs of one of their two rows.

    The union of each row's `k` nearest: a row keeps at least its `k` best partners (all
    of them when it has no more), and a pair is dropped only when both rows have `k`
    closer ones. Ties go to the pair listed first.

    Args:
        pairs: (pairs, 2) row ids.
        sims: Their similarities.
        k: Partners kept per row.

    Returns:
        A boolean mask over `pairs`.
    """
    keep = np.zeros(len(pairs), dtype=bool)
    if len(pairs) == 0:
        return keep
    ends = np.concatenate([pairs[:, 0], pairs[:, 1]])
    which = np.concatenate([np.arange(len(pairs))] * 2)
    # By row, then best first (ties in pair order): a pair's rank among its row's pairs.
    order = np.lexsort((which, -np.concatenate([sims, sims]), ends))
    sorted_ends = ends[order]
    first = np.searchsorted(sorted_ends, sorted_ends, side="left")
    rank = np.arange(len(order)) - first
    keep[which[order[rank < k]]] = True
    return keep
