"""Score fusion: min-max normalised signals, weighted sum, deterministic order.

A weighted sum of min-max normalised scores beat reciprocal rank fusion for BM25 + MiniLM
on Quora, FiQA and NQ (Bruch, Gai and Ingber, TOIS 2023), and keeps how far ahead the
leader is, which rank fusion throws away. Ties are broken by node id, so the same store
and query always give the same ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

VARIANTS = ("lexical", "dense", "hybrid", "hybrid+graph")
"""Retrieval variants, from the plain baselines to the full system."""

SIGNALS = ("dense_q", "dense_a", "dense_field", "bm25", "concept")
"""Per-node signals: query-question cosine, best query-answer-chunk cosine, cosine with the
question followed by the answer's opening, BM25, concepts."""

VARIANT_SIGNALS: dict[str, tuple[str, ...]] = {
    "lexical": ("bm25",),
    "dense": ("dense_q", "dense_a", "dense_field"),
    "hybrid": SIGNALS,
    "hybrid+graph": SIGNALS,
}
_TIE_DIGITS = 9  # scores equal to 9 decimals are ties: float noise must not pick the order


def check_variant(variant: str) -> str:
    """Return `variant` if known.

    Raises:
        ValueError: Naming the allowed values.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown retrieval variant {variant!r}: use one of {', '.join(VARIANTS)}")
    return variant


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """Weight of each normalised signal in the fused score (tuned on the dev split).

    Attributes:
        dense_q: Cosine of the query with the node's question.
        dense_a: Cosine of the query with the node's best answer chunk.
        dense_field: Cosine of the query with the node's question and answer opening.
        bm25: BM25 over question (boosted) and answer.
        concept: Concepts named in the query that the node mentions.
        graph: "hybrid+graph" only: share of the best `same_question` neighbour's score.
    """

    # Fitted across the bundled and the three evaluation corpora (`qagraph eval --cross`
    # reports each corpus with weights fitted on the others): the field cosine carries most.
    dense_q: float = 0.2
    dense_a: float = 0.2
    dense_field: float = 0.5
    bm25: float = 0.2
    concept: float = 0.0
    graph: float = 0.1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or value < 0:
                raise ValueError(f"fusion weight {f.name} must be a number >= 0, not {value!r}")


@dataclass(frozen=True, slots=True)
class RetrievalConfig:
    """Retrieval settings.

    Attributes:
        variant: Default variant, one of `VARIANTS`.
        k: Default number of results.
        depth: Candidates taken from each signal before fusion.
        weights: Fusion weights.
        unanswered_penalty: Subtracted from the fused score of nodes the source lists
            without an answer, so an answered copy of the same question ranks first.
        same_question_sim: Question-question cosine from which another node counts as
            asking the same question ("also answered in").

    Raises:
        ValueError: A field is out of range or the variant is unknown.
    """

    variant: str = "hybrid"
    k: int = 5
    depth: int = 50
    weights: FusionWeights = field(default_factory=FusionWeights)
    unanswered_penalty: float = 0.1
    same_question_sim: float = 0.85

    def __post_init__(self) -> None:
        check_variant(self.variant)
        for name in ("k", "depth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if not 0 <= self.unanswered_penalty <= 1:
            raise ValueError(f"unanswered_penalty must be in [0, 1], not {self.unanswered_penalty}")
        if not -1 <= self.same_question_sim <= 1:
            raise ValueError(f"same_question_sim must be in [-1, 1], not {self.same_question_sim}")


def minmax(values: Mapping[str, float | None]) -> dict[str, float]:
    """Scale values to [0, 1] over the candidates; missing values (None) get 0.

    All-equal values get 1 when positive (they all match) and 0 otherwise.
    """
    present = [v for v in values.values() if v is not None]
    if not present:
        return dict.fromkeys(values, 0.0)
    low, high = min(present), max(present)
    if high - low <= 1e-12:
        fill = 1.0 if high > 0 else 0.0
        return {key: (fill if v is not None else 0.0) for key, v in values.items()}
    span = high - low
    return {key: ((v - low) / span if v is not None else 0.0) for key, v in values.items()}


def fuse(
    signals: Mapping[str, Mapping[str, float | None]],
    weights: FusionWeights,
    variant: str,
) -> dict[str, float]:
    """Weighted sum of the variant's normalised signals for every candidate.

    Args:
        signals: Signal name -> (node id -> raw value or None); every signal should cover
            the same candidates, a node missing from one counts as None there.
        weights: Fusion weights; those of the variant's signals are rescaled to sum to 1.
        variant: One of `VARIANTS`.

    Returns:
        Node id -> fused score in [0, 1].
    """
    names = VARIANT_SIGNALS[check_variant(variant)]
    candidates = sorted({node for values in signals.values() for node in values})
    total = sum(getattr(weights, n) for n in names) or 1.0
    fused = dict.fromkeys(candidates, 0.0)
    for name in names:
        weight = getattr(weights, name) / total
        if weight == 0:
            continue
        values = signals.get(name, {})
        normalised = minmax({node: values.get(node) for node in candidates})
        for node, value in normalised.items():
            fused[node] += weight * value
    return fused


def graph_boost(
    scores: Mapping[str, float], neighbours: Mapping[str, Iterable[str]], weight: float
) -> dict[str, float]:
    """Add `weight` x the best neighbouring candidate's score to each candidate's score."""
    boosted = dict(scores)
    for node, score in scores.items():
        best = max((scores[m] for m in neighbours.get(node, ()) if m in scores), default=0.0)
        boosted[node] = score + weight * best
    return boosted


def rank(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """(node id, score) pairs by score descending, ties by node id ascending."""
    return sorted(scores.items(), key=lambda item: (-round(item[1], _TIE_DIGITS), item[0]))
