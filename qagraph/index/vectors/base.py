"""The vector index interface and its settings; one backend per module in this package."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

INDEX_KINDS = ("auto", "flat", "hnsw")
"""`auto` picks `flat` (exact) below `hnsw_threshold` vectors and `hnsw` from there on."""


class VectorHits(NamedTuple):
    """Nearest neighbours of a batch of queries.

    Attributes:
        scores: float32 (n_queries, k) inner products, best first.
        ids: int64 (n_queries, k) row numbers of the stored vectors; -1 pads missing hits.
    """

    scores: np.ndarray
    ids: np.ndarray


@dataclass(frozen=True, slots=True)
class VectorIndexConfig:
    """Which index to build.

    Attributes:
        kind: One of `INDEX_KINDS`.
        hnsw_threshold: Vector count from which `auto` builds an HNSW graph; below it exact
            search is fast enough and loses nothing.
        hnsw_m: Neighbours per HNSW node (memory grows with it, recall too).
        ef_construction: HNSW build-time beam width.
        ef_search: HNSW query-time beam width.

    Raises:
        ValueError: A field is out of range or `kind` is unknown.
    """

    kind: str = "auto"
    hnsw_threshold: int = 20_000
    hnsw_m: int = 32
    ef_construction: int = 80
    ef_search: int = 128

    def __post_init__(self) -> None:
        if self.kind not in INDEX_KINDS:
            raise ValueError(f"index kind {self.kind!r} is not one of {', '.join(INDEX_KINDS)}")
        for name in ("hnsw_threshold", "hnsw_m", "ef_construction", "ef_search"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")

    def resolve(self, n_vectors: int) -> str:
        """The concrete kind ("flat" or "hnsw") for an index of `n_vectors` vectors."""
        if self.kind != "auto":
            return self.kind
        return "hnsw" if n_vectors >= self.hnsw_threshold else "flat"


class VectorIndex(ABC):
    """Inner-product search over L2-normalised vectors, whose ids are their row numbers."""

    kind: str
    """"flat" or "hnsw"."""

    @property
    @abstractmethod
    def ntotal(self) -> int:
        """Number of stored vectors."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Vector length."""

    @property
    @abstractmethod
    def params(self) -> dict[str, Any]:
        """JSON-serialisable build parameters, recorded in the store manifest."""

    @abstractmethod
    def search(self, queries: np.ndarray, k: int) -> VectorHits:
        """The `k` stored vectors with the largest inner product with each query row."""

    @abstractmethod
    def vectors(self) -> np.ndarray:
        """All stored vectors as a float32 (ntotal, dim) array, in id order."""

    @abstractmethod
    def save(self, path: Path) -> None:
        """Write the index to one file."""
