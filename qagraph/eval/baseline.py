"""The plain dense baseline every retrieval change is compared with, in the same run.

One MiniLM vector per node, of its question followed by the first 1,000 characters of its
answer, searched by cosine in a flat FAISS index; it never abstains. It is what a user gets
from the simplest embedding search, so the full system has to beat it on every corpus.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

import numpy as np

from qagraph.index.vectors import FaissIndex, VectorIndexConfig

logger = logging.getLogger(__name__)

BASELINE = "baseline"
ANSWER_CHARS = 1000


class _Hit(NamedTuple):
    node: Any
    score: float


class _Result(NamedTuple):
    hits: list[_Hit]
    abstained: bool


class DenseBaseline:
    """Question + answer-start vectors of a retriever's nodes, searched on their own.

    Args:
        retriever: The retriever whose knowledge base and encoder are used (its query
            vectors are shared, so the baseline costs no extra forward pass per query).
    """

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self.nodes = retriever.kb.nodes()
        texts = [f"{n.question}\n{n.answer[:ANSWER_CHARS]}".strip() for n in self.nodes]
        vectors = np.asarray(retriever.encoder.encode(texts), dtype=np.float32)
        self.index = FaissIndex.build(vectors, VectorIndexConfig(kind="flat"))

    def search(self, query: str, *, k: int = 10, variant: str = BASELINE) -> _Result:
        """The k nodes closest to the query; never abstains."""
        if not query.strip() or not self.nodes:
            return _Result([], True)
        qvec = self.retriever.embed_query(query)
        found = self.index.search(np.asarray([qvec], dtype=np.float32), k)
        pairs = zip(found.ids[0], found.scores[0], strict=True)
        return _Result([_Hit(self.nodes[i], float(s)) for i, s in pairs if i >= 0], False)


class WithBaseline:
    """A searcher answering the retriever's variants and `BASELINE` (for the eval runner)."""

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever
        self._baseline: DenseBaseline | None = None

    @property
    def kb(self) -> Any:
        return self.retriever.kb

    def search(self, query: str, *, k: int = 10, variant: str = "hybrid") -> Any:
        if variant != BASELINE:
            return self.retriever.search(query, k=k, variant=variant)
        if self._baseline is None:
            self._baseline = DenseBaseline(self.retriever)
        return self._baseline.search(query, k=k)
