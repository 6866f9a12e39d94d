"""The vector index of a store: retrieval units, their vectors in FAISS, and the files.

Ingest writes the index (`build_retrieval_index`) and retrieval reads it (`DenseIndex`);
both sit on this package, so neither imports the other.
"""

from __future__ import annotations

from qagraph.index.dense import (
    INDEX_FILE,
    UNITS_FILE,
    DenseIndex,
    IndexConfig,
    NodeSims,
    build_retrieval_index,
)
from qagraph.index.units import Unit, UnitConfig, build_units
from qagraph.index.vectors import FaissIndex, VectorIndexConfig

__all__ = [
    "INDEX_FILE",
    "UNITS_FILE",
    "DenseIndex",
    "FaissIndex",
    "IndexConfig",
    "NodeSims",
    "Unit",
    "UnitConfig",
    "VectorIndexConfig",
    "build_retrieval_index",
    "build_units",
]
