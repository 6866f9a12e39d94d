"""Run the evaluation set through several retrieval variants in one pass.

`run_eval` needs only an object with the retriever's `search` signature, so tests use a
stub and the Gradio app can pass its shared `Retriever` and a progress callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from qagraph.errors import QagraphError
from qagraph.eval.dataset import ResolvedQuery, ordered_kinds
from qagraph.eval.metrics import (
    HIT_AT_1,
    RANKING_METRICS,
    QueryScore,
    aggregate,
    aggregate_by_kind,
    ranking_metrics,
)
from qagraph.eval.results import (
    SPLIT_CHOICES,
    VARIANTS,
    EvalConfig,
    EvalReport,
    Failure,
    RankedNode,
    VariantReport,
)

__all__ = [
    "SPLIT_CHOICES",
    "VARIANTS",
    "EvalConfig",
    "EvalReport",
    "Failure",
    "RankedNode",
    "VariantReport",
    "run_eval",
]

logger = logging.getLogger(__name__)

FAILURE_TOP = 3

#: progress(done, total, message): called after each search.
ProgressFn = Callable[[int, int, str], None]


class Searcher(Protocol):
    """What the runner needs of a retriever."""

    def search(self, query: str, *, k: int = 10, variant: str = "hybrid") -> Any: ...


def run_eval(
    retriever: Searcher,
    dataset: Sequence[ResolvedQuery],
    config: EvalConfig,
    *,
    progress: ProgressFn | None = None,
) -> EvalReport:
    """Search every query of the configured split with every variant and score the runs.

    Args:
        retriever: Anything with `search(query, *, k, variant)` returning an object with
            `.hits` (each with `.node` and `.score`) and `.abstained`.
        dataset: Resolved queries (all splits; the config picks one).
        config: Split, variants, depth and bootstrap settings.
        progress: Called after each search with (done, total, message).

    Raises:
        QagraphError: When the split holds no query.
    """
    queries = tuple(q for q in dataset if config.split == "all" or q.query.split == config.split)
    if not queries:
        raise QagraphError(f"the evaluation set has no query in split {config.split!r}")
    total = len(queries) * len(config.variants)
    hits: dict[str, dict[str, tuple[RankedNode, ...]]] = {v: {} for v in config.variants}
    abstained: dict[str, dict[str, bool]] = {v: {} for v in config.variants}
    done = 0
    for rq in queries:
        for variant in config.variants:
            result = retriever.search(rq.query.query, k=config.k, variant=variant)
            hits[variant][rq.query.id] = tuple(
                RankedNode(h.node.id, h.node.source, h.node.question, float(h.score))
                for h in result.hits
            )
            abstained[variant][rq.query.id] = bool(result.abstained)
            done += 1
            if progress is not None:
                progress(done, total, f"{variant}: {rq.query.id}")
    reports = {
        v: _variant_report(v, queries, hits[v], abstained[v], config) for v in config.variants
    }
    return EvalReport(config, queries, reports)


def _variant_report(
    name: str,
    queries: Sequence[ResolvedQuery],
    hits: dict[str, tuple[RankedNode, ...]],
    abstained: dict[str, bool],
    config: EvalConfig,
) -> VariantReport:
    inside = [q for q in queries if q.query.in_scope]
    # An abstention on an in-scope query is an empty ranking: a miss for every metric.
    rankings = {
        q.query.id: [] if abstained[q.query.id] else [h.id for h in hits[q.query.id]]
        for q in inside
    }
    values = ranking_metrics({q.query.id: dict(q.qrels) for q in inside}, rankings)
    scores = {
        q.query.id: QueryScore(
            q.query.id,
            q.query.kind,
            q.query.in_scope,
            abstained[q.query.id],
            values.get(q.query.id, {}),
        )
        for q in queries
    }
    ordered = [scores[q.query.id] for q in queries]
    kinds = ordered_kinds(q.query.kind for q in queries)
    opts = {"samples": config.bootstrap_samples, "seed": config.seed}
    return VariantReport(
        name=name,
        metrics=aggregate(ordered, **opts),
        by_kind=aggregate_by_kind(ordered, kinds, **opts),
        scores=scores,
        hits=hits,
        failures=tuple(f for q in queries if (f := _failure(q, scores, hits, abstained))),
    )


def _failure(
    q: ResolvedQuery,
    scores: dict[str, QueryScore],
    hits: dict[str, tuple[RankedNode, ...]],
    abstained: dict[str, bool],
) -> Failure | None:
    qid = q.query.id
    got = hits[qid][:FAILURE_TOP]
    expected = tuple(ref.label() for _, ref in q.expected())
    if not q.query.in_scope:
        if abstained[qid]:
            return None
        return Failure(qid, q.query.query, q.query.kind, "answered an out-of-scope query", (), got)
    if scores[qid].values.get(HIT_AT_1, 0.0) >= 1.0:
        return None
    if abstained[qid]:
        reason = "abstained"
    else:
        answers = {i for i, _ in q.expected()}
        rank = next((r for r, h in enumerate(hits[qid], 1) if h.id in answers), None)
        reason = f"first answer at rank {rank}" if rank else "no answer in the hits"
    return Failure(qid, q.query.query, q.query.kind, reason, expected, got)


__all__ = [
    "RANKING_METRICS",
    "SPLIT_CHOICES",
    "VARIANTS",
    "EvalConfig",
    "EvalReport",
    "Failure",
    "ProgressFn",
    "RankedNode",
    "Searcher",
    "VariantReport",
    "run_eval",
]
