"""FAISS backend: exact `IndexFlatIP` for small corpora, `IndexHNSWFlat` above a threshold."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from qagraph.index.vectors.base import VectorHits, VectorIndex, VectorIndexConfig

logger = logging.getLogger(__name__)


def _as_matrix(vectors: np.ndarray, dim: int | None = None) -> np.ndarray:
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2 or (dim is not None and array.shape[1] != dim):
        want = f"(n, {dim})" if dim is not None else "(n, dim)"
        raise ValueError(f"vectors must have shape {want}, not {array.shape}")
    return array


class FaissIndex(VectorIndex):
    """A FAISS index over unit vectors, searched by inner product (= cosine).

    Build one with `FaissIndex.build` or read one with `FaissIndex.load`.

    Args:
        index: A FAISS `IndexFlatIP` or inner-product `IndexHNSWFlat`.
    """

    def __init__(self, index: Any) -> None:
        if isinstance(index, faiss.IndexHNSWFlat):
            self.kind = "hnsw"
        elif isinstance(index, faiss.IndexFlat):
            self.kind = "flat"
        else:
            raise TypeError(f"unsupported FAISS index type {type(index).__name__}")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("the FAISS index must use the inner-product metric")
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, config: VectorIndexConfig | None = None) -> FaissIndex:
        """Index `vectors` (ids are their row numbers), choosing the kind from `config`.

        Args:
            vectors: float32 (n, dim) unit rows; n may be 0 only with a known dim.
            config: Index settings; `kind="auto"` switches on `hnsw_threshold`.
        """
        config = config or VectorIndexConfig()
        matrix = _as_matrix(vectors)
        n, dim = matrix.shape
        kind = config.resolve(n)
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = config.ef_construction
            index.hnsw.efSearch = config.ef_search
        else:
            index = faiss.IndexFlatIP(dim)
        if n:
            index.add(matrix)
        logger.debug("built a %s index of %d vectors (dim %d)", kind, n, dim)
        return cls(index)

    @classmethod
    def load(cls, path: Path, *, ef_search: int | None = None) -> FaissIndex:
        """Read an index written by `save`; `ef_search` overrides the saved beam width."""
        index = faiss.read_index(str(path))
        if ef_search is not None and isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = ef_search
        return cls(index)

    @property
    def ntotal(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"kind": self.kind, "metric": "inner_product", "dim": self.dim}
        if self.kind == "hnsw":
            hnsw = self._index.hnsw
            params |= {
                "m": int(hnsw.nb_neighbors(1)),
                "ef_construction": int(hnsw.efConstruction),
                "ef_search": int(hnsw.efSearch),
            }
        return params

    def search(self, queries: np.ndarray, k: int) -> VectorHits:
        matrix = _as_matrix(queries, self.dim)
        k = max(0, min(int(k), self.ntotal))
        if k == 0:
            empty = np.zeros((len(matrix), 0))
            return VectorHits(empty.astype(np.float32), empty.astype(np.int64))
        scores, ids = self._index.search(matrix, k)
        return VectorHits(scores, ids.astype(np.int64))

    def vectors(self) -> np.ndarray:
        if self.ntotal == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self._index.reconstruct_n(0, self.ntotal), dtype=np.float32)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(path))
