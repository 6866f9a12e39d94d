"""Retrieval: dense (FAISS) + lexical (BM25) + fuzzy concepts, fused, with cited answers.

Typical use::

    retriever = Retriever.open(store_dir)
    answer = retriever.ask("what is gradient descent?")
    print(answer.text)

Importing this package does not load torch; the model loads when a retriever is opened.
"""

from __future__ import annotations

from qagraph.index.dense import IndexConfig, build_retrieval_index
from qagraph.index.units import Unit, UnitConfig
from qagraph.retrieval.abstain import Abstainer, Decision
from qagraph.retrieval.answer import Answer, citation
from qagraph.retrieval.fusion import VARIANTS, FusionWeights, RetrievalConfig, check_variant
from qagraph.retrieval.searcher import Hit, Retriever, SearchResult

__all__ = [
    "VARIANTS",
    "Abstainer",
    "Answer",
    "Decision",
    "FusionWeights",
    "Hit",
    "IndexConfig",
    "RetrievalConfig",
    "Retriever",
    "SearchResult",
    "Unit",
    "UnitConfig",
    "build_retrieval_index",
    "check_variant",
    "citation",
]
