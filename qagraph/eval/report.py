"""Render an `EvalReport`: the JSON document of `qagraph eval --json` and the text tables.

JSON shape (metrics nested per variant, see README "qagraph eval")::

    {"set", "split", "k", "bootstrap": {"samples", "seed", "confidence"}, "variants": [...],
     "counts": {"queries", "in_scope", "out_of_scope", "by_kind": {kind: n}},
     "metrics": {variant: {metric: {"value", "low", "high", "n"} | null}},
     "by_kind": {variant: {kind: {metric: ... | null}}},
     "per_query": [{"id", "query", "kind", "split", "in_scope", "expected": [...],
                    "results": {variant: {"abstained", "hits": [...], "metrics": {...}}}}],
     "failures": {variant: [{"id", "query", "kind", "reason", "expected", "got"}]}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qagraph.eval.metrics import ALL_METRICS, RANKING_METRICS, MetricValue

if TYPE_CHECKING:
    from qagraph.eval.runner import EvalReport, Failure, RankedNode

CONFIDENCE = 0.95
LABELS = {
    "hit@1": "Hit@1",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "recall@5": "Recall@5",
    "oos_accuracy": "OOS acc",
    "false_abstain": "False abstain",
}


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


def _cell(value: MetricValue | None, *, ci: bool) -> str:
    if value is None:
        return "-"
    if not ci:
        return f"{value.value:.3f}"
    return f"{value.value:.3f} [{value.low:.3f},{value.high:.3f}]"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    rows = [header, *rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def format_text(report: EvalReport, *, failures_of: Iterable[str] = ()) -> str:
    """Metrics per variant with CIs, per-kind tables, and the failing queries of some variants."""
    cfg = report.config
    inside = sum(q.query.in_scope for q in report.queries)
    lines = [
        f"qagraph eval: split {cfg.split}, {len(report.queries)} queries "
        f"({inside} in scope, {len(report.queries) - inside} out of scope), k={cfg.k}; "
        f"{CONFIDENCE:.0%} bootstrap CIs ({cfg.bootstrap_samples} resamples, seed {cfg.seed})",
        "",
    ]
    header = ["variant", *(LABELS[m] for m in ALL_METRICS)]
    lines += _table(
        header,
        (
            [name, *(_cell(var.metrics[m], ci=True) for m in ALL_METRICS)]
            for name, var in report.variants.items()
        ),
    )
    kinds = Counter(q.query.kind for q in report.queries)
    for name, var in report.variants.items():
        lines += ["", f"by kind ({name})"]
        lines += _table(
            ["kind", "n", *(LABELS[m] for m in ALL_METRICS)],
            (
                [kind, str(kinds[kind]), *(_cell(vals[m], ci=False) for m in ALL_METRICS)]
                for kind, vals in var.by_kind.items()
            ),
        )
    for name in failures_of:
        failures = report.variants[name].failures
        lines += ["", f"failing queries ({name}): {len(failures)}"]
        for f in failures:
            lines.append(f"  {f.query_id} [{f.kind}] {f.query!r}: {f.reason}")
            for label in f.expected:
                lines.append(f"      expected: {label}")
            for rank, hit in enumerate(f.got, 1):
                lines.append(f"      got {rank}:    {hit.label()}")
    return "\n".join(lines)


__all__ = ["LABELS", "RANKING_METRICS", "format_text", "report_json"]
