"""What a search returns: ranked hits, the measured signals and the abstention verdict."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qagraph.kb.records import QANode
from qagraph.retrieval.concept_match import ConceptHit
from qagraph.retrieval.lexical import QueryTerms


class Hit(NamedTuple):
    """One ranked node.

    Attributes:
        node: The question/answer node.
        score: Fused score (higher is better).
        signals: Raw signal values: dense_q, dense_a, dense_field (cosines), bm25,
            concept; None where the node has none (dense_a of a node without an answer).
    """

    node: QANode
    score: float
    signals: dict[str, float | None]


class Candidates(NamedTuple):
    """What the first stage of a search found: the nodes worth measuring, and the query
    as each signal reads it.

    Attributes:
        ids: Candidate node ids, in the order found.
        wordings: The query, its typo-corrected and its acronym-expanded wordings.
        vectors: Unit vectors of the wordings, in the same order.
        terms: The query's words as the lexical index sees them.
        bm25: BM25 score of every node, in the lexical index's row order.
        concept_hits: Concepts named in the query.
        concept_scores: Node id -> how well the node's concepts match the query's.
    """

    ids: list[str]
    wordings: list[str]
    vectors: list[np.ndarray]
    terms: QueryTerms
    bm25: np.ndarray
    concept_hits: list[ConceptHit]
    concept_scores: dict[str, float]


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
