"""What an evaluation run produces: its settings, per-variant outcomes, and the JSON
document of `qagraph eval --json`. Records only; `runner` fills them, `report` renders text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.errors import QagraphError
from qagraph.eval.dataset import ResolvedQuery
from qagraph.eval.metrics import MetricValue, QueryScore
from qagraph.retrieval.fusion import VARIANTS as RETRIEVAL_VARIANTS

# The level of the bootstrap confidence intervals.
CONFIDENCE = 0.95
# The retrieval variants (their one registry is `qagraph.retrieval.fusion.VARIANTS`) and the
# plain dense baseline that evaluation runs beside them (`qagraph.eval.baseline`).
VARIANTS = (*RETRIEVAL_VARIANTS, "baseline")
SPLIT_CHOICES = ("dev", "test", "all")


@dataclass(frozen=True, slots=True)
class EvalConfig:
    """Settings of one evaluation run.

    Attributes:
        set_path: The set file; None for the one shipped with the package.
        split: "dev", "test" or "all".
        variants: Retrieval variants to compare, in display order.
        k: Hits requested per query (the metrics look at most 10 deep).
        bootstrap_samples: Resamples for the confidence intervals.
        seed: Seed of the bootstrap.
    """

    set_path: Path | None = None
    split: str = "test"
    variants: tuple[str, ...] = VARIANTS
    k: int = 10
    bootstrap_samples: int = 1000
    seed: int = 0

    def __post_init__(self) -> None:
        if self.split not in SPLIT_CHOICES:
            raise QagraphError(f"split must be one of dev, test, all, not {self.split!r}")
        variants = tuple(dict.fromkeys(self.variants))
        unknown = [v for v in variants if v not in VARIANTS]
        if not variants or unknown:
            raise QagraphError(
                f"unknown retrieval variant(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
                f"choose from {', '.join(VARIANTS)}"
            )
        object.__setattr__(self, "variants", variants)
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise QagraphError(f"k must be a positive integer, not {self.k!r}")
        if self.bootstrap_samples < 1:
            raise QagraphError("bootstrap samples must be at least 1")
        if self.set_path is not None:
            object.__setattr__(self, "set_path", Path(self.set_path))


class RankedNode(NamedTuple):
    """One hit as the report keeps it."""

    id: str
    source: str
    question: str
    score: float

    def label(self) -> str:
        return f"{self.source}: {self.question} ({self.score:.3f})"


class Failure(NamedTuple):
    """A query the variant got wrong: top hit not an answer, or out of scope not refused."""

    query_id: str
    query: str
    kind: str
    reason: str
    expected: tuple[str, ...]
    got: tuple[RankedNode, ...]


@dataclass(frozen=True, slots=True)
class VariantReport:
    """Metrics and per-query outcomes of one retrieval variant."""

    name: str
    metrics: dict[str, MetricValue | None]
    by_kind: dict[str, dict[str, MetricValue | None]]
    scores: dict[str, QueryScore]
    hits: dict[str, tuple[RankedNode, ...]]
    failures: tuple[Failure, ...]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything one run measured; `to_json` gives the `qagraph eval --json` document."""

    config: EvalConfig
    queries: tuple[ResolvedQuery, ...]
    variants: dict[str, VariantReport] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The `qagraph eval --json` document."""
        return report_json(self)


def _metric_json(value: MetricValue | None) -> dict[str, float | int] | None:
    return None if value is None else value.to_json()


def _node_json(node: RankedNode) -> dict[str, Any]:
    return {"id": node.id, "source": node.source, "question": node.question, "score": node.score}


def report_json(report: EvalReport) -> dict[str, Any]:
    """The `qagraph eval --json` document."""
    cfg = report.config
    kinds = Counter(q.query.kind for q in report.queries)
    inside = sum(q.query.in_scope for q in report.queries)
    per_query = []
    for rq in report.queries:
        q = rq.query
        results = {}
        for name, var in report.variants.items():
            score = var.scores[q.id]
            results[name] = {
                "abstained": score.abstained,
                "hits": [_node_json(h) for h in var.hits[q.id]],
                "metrics": {m: round(v, 4) for m, v in score.values.items()},
            }
        per_query.append(
            {
                "id": q.id,
                "query": q.query,
                "kind": q.kind,
                "split": q.split,
                "in_scope": q.in_scope,
                "expected": [
                    {"id": i, "source": r.source, "question": r.question, "grade": r.grade}
                    for i, r in zip(rq.node_ids, q.relevant)
                ],
                "results": results,
            }
        )
    return {
        "set": str(cfg.set_path) if cfg.set_path else "bundled",
        "split": cfg.split,
        "k": cfg.k,
        "bootstrap": {"samples": cfg.bootstrap_samples, "seed": cfg.seed, "confidence": CONFIDENCE},
        "variants": list(report.variants),
        "counts": {
            "queries": len(report.queries),
            "in_scope": inside,
            "out_of_scope": len(report.queries) - inside,
            "by_kind": dict(kinds),
        },
        "metrics": {
            name: {m: _metric_json(v) for m, v in var.metrics.items()}
            for name, var in report.variants.items()
        },
        "by_kind": {
            name: {
                kind: {m: _metric_json(v) for m, v in values.items()}
                for kind, values in var.by_kind.items()
            }
            for name, var in report.variants.items()
        },
        "per_query": per_query,
        "failures": {
            name: [_failure_json(f) for f in var.failures] for name, var in report.variants.items()
        },
    }


def _failure_json(failure: Failure) -> dict[str, Any]:
    return {
        "id": failure.query_id,
        "query": failure.query,
        "kind": failure.kind,
        "reason": failure.reason,
        "expected": list(failure.expected),
        "got": [_node_json(h) for h in failure.got],
    }
