"""What a search returns: ranked hits, the measured signals and the abstention verdict."""

from __future__ import annotations

from typing import NamedTuple

from qagraph.kb.records import QANode
from qagraph.retrieval.concept_match import ConceptHit
from qagraph.retrieval.lexical import QueryTerms


class Hit(NamedTuple):
    """One ranked node.

    Attributes:
        node: The question/answer node.
        score: Fused score (higher is better).
        signals: Raw signal values: dense_q, dense_a (cosines), bm25, concept; None where
            the node has none (dense_a of a node without an answer).
    """

    node: QANode
    score: float
    signals: dict[str, float | None]


class QuerySignals(NamedTuple):
    """Everything one query measures before fusion (what tuning re-fuses many times).

    Attributes:
        values: Signal name -> (candidate node id -> raw value, None when absent).
        terms: The query's words as the lexical index sees them.
        concepts: Concepts named in the query.
    """

    values: dict[str, dict[str, float | None]]
    terms: QueryTerms
    concepts: list[ConceptHit]


class SearchResult(NamedTuple):
    """The outcome of `Retriever.search`.

    Attributes:
        query: The query as given.
        variant: The retrieval variant used.
        hits: Ranked nodes, best first (ranked even when abstaining, for evaluation).
        abstained: True when the knowledge base does not seem to cover the query.
        confidence: Estimated probability that it does.
        features: The query features the abstention decision used.
        concepts: Concepts named in the query.
        reason: Why it abstained ("" when it did not).
    """

    query: str
    variant: str
    hits: list[Hit]
    abstained: bool
    confidence: float
    features: dict[str, float]
    concepts: list[ConceptHit]
    reason: str = ""
