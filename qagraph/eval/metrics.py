"""IR metrics over the graded set (computed by ir-measures), abstention rates, bootstrap CIs.

Definitions (grade 2 = the node answers the query, grade 1 = closely related):

- ``hit@1``: ``Success(rel=2)@1``, the top hit answers the query.
- ``mrr@10``: ``RR(rel=2)@10``, reciprocal rank of the first answering node in the top 10.
- ``ndcg@10``: ``nDCG@10`` with graded gains (grade 2 counts twice grade 1).
- ``recall@5``: ``R(rel=2)@5``, share of the answering nodes found in the top 5.
- ``oos_accuracy``: share of out-of-scope queries on which the retriever abstained.
- ``false_abstain``: share of in-scope queries on which it abstained.

Ranking metrics cover in-scope queries only; an in-scope query the retriever abstained on
counts as an empty ranking, i.e. a miss. Rankings are passed to ir-measures as strictly
decreasing scores, so the retriever's order is kept even where its own scores tie.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import ir_measures
import numpy as np
from ir_measures import RR, R, Success, nDCG

logger = logging.getLogger(__name__)

HIT_AT_1 = "hit@1"
MRR_AT_10 = "mrr@10"
NDCG_AT_10 = "ndcg@10"
RECALL_AT_5 = "recall@5"
OOS_ACCURACY = "oos_accuracy"
FALSE_ABSTAIN = "false_abstain"

RANKING_METRICS = (HIT_AT_1, MRR_AT_10, NDCG_AT_10, RECALL_AT_5)
ABSTAIN_METRICS = (OOS_ACCURACY, FALSE_ABSTAIN)
ALL_METRICS = RANKING_METRICS + ABSTAIN_METRICS

MEASURES = {
    HIT_AT_1: Success(rel=2) @ 1,
    MRR_AT_10: RR(rel=2) @ 10,
    NDCG_AT_10: nDCG @ 10,
    RECALL_AT_5: R(rel=2) @ 5,
}
_BY_MEASURE = {str(measure): name for name, measure in MEASURES.items()}


class MetricValue(NamedTuple):
    """A mean over queries with its bootstrap confidence interval."""

    value: float
    low: float
    high: float
    n: int

    def to_json(self) -> dict[str, float | int]:
        return {
            "value": round(self.value, 4),
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "n": self.n,
        }


class QueryScore(NamedTuple):
    """One query's outcome under one retrieval variant.

    Attributes:
        query_id: Query id.
        kind: Query kind.
        in_scope: False for out-of-scope queries.
        abstained: Whether the retriever abstained.
        values: Ranking metric name -> value (empty for out-of-scope queries).
    """

    query_id: str
    kind: str
    in_scope: bool
    abstained: bool
    values: Mapping[str, float]


def ranking_metrics(
    qrels: Mapping[str, Mapping[str, int]], rankings: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, float]]:
    """Per-query ranking metrics.

    Args:
        qrels: Query id -> (node id -> grade); every query to score must appear here.
        rankings: Query id -> node ids, best first; missing or empty means no answer.

    Returns:
        Query id -> metric name -> value, for every query of `qrels`.
    """
    out = {qid: dict.fromkeys(RANKING_METRICS, 0.0) for qid in qrels}
    judged = [
        ir_measures.Qrel(qid, doc, grade)
        for qid, rels in qrels.items()
        for doc, grade in rels.items()
    ]
    run = [
        ir_measures.ScoredDoc(qid, doc, float(len(docs) - rank))
        for qid, docs in rankings.items()
        if qid in qrels
        for rank, doc in enumerate(dict.fromkeys(docs))
    ]
    if not judged or not run:
        return out
    for metric in ir_measures.iter_calc(list(MEASURES.values()), judged, run):
        out[metric.query_id][_BY_MEASURE[str(metric.measure)]] = float(metric.value)
    return out


def bootstrap_ci(
    values: Sequence[float], *, samples: int = 1000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean.

    Args:
        values: Per-query values.
        samples: Number of resamples.
        seed: Seed of the resampling, so that a run can be repeated exactly.
        confidence: Coverage of the interval.

    Returns:
        (low, high); (nan, nan) for no values.
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, size=(samples, data.size))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(means, [tail, 100.0 - tail])
    return float(low), float(high)


def summarize(values: Sequence[float], *, samples: int = 1000, seed: int = 0) -> MetricValue | None:
    """Mean with bootstrap CI, or None when there is nothing to average."""
    if len(values) == 0:
        return None
    low, high = bootstrap_ci(values, samples=samples, seed=seed)
    return MetricValue(float(np.mean(values)), low, high, len(values))


def aggregate(
    scores: Sequence[QueryScore], *, samples: int = 1000, seed: int = 0
) -> dict[str, MetricValue | None]:
    """All metrics over a group of queries; None where the group has no query to count."""
    inside = [s for s in scores if s.in_scope]
    outside = [s for s in scores if not s.in_scope]
    result: dict[str, MetricValue | None] = {
        name: summarize([s.values[name] for s in inside], samples=samples, seed=seed)
        for name in RANKING_METRICS
    }
    result[OOS_ACCURACY] = summarize(
        [float(s.abstained) for s in outside], samples=samples, seed=seed
    )
    result[FALSE_ABSTAIN] = summarize(
        [float(s.abstained) for s in inside], samples=samples, seed=seed
    )
    return result


def aggregate_by_kind(
    scores: Sequence[QueryScore], kinds: Sequence[str], *, samples: int = 1000, seed: int = 0
) -> dict[str, dict[str, MetricValue | None]]:
    """`aggregate` per query kind, in the order of `kinds` (kinds without queries left out)."""
    out: dict[str, dict[str, MetricValue | None]] = {}
    for kind in kinds:
        group = [s for s in scores if s.kind == kind]
        if group:
            out[kind] = aggregate(group, samples=samples, seed=seed)
    return out
