"""Vector indexes: the `VectorIndex` interface and the FAISS backend."""

from __future__ import annotations

from qagraph.index.vectors.base import INDEX_KINDS, VectorHits, VectorIndex, VectorIndexConfig
from qagraph.index.vectors.faiss_index import FaissIndex

__all__ = ["INDEX_KINDS", "FaissIndex", "VectorHits", "VectorIndex", "VectorIndexConfig"]
