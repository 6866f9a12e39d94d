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

from qagraph.eval.metrics import ALL_METRICS, RANKING_METRICS, MetricValue
from qagraph.eval.results import CONFIDENCE, EvalReport, report_json

__all__ = ["format_text", "report_json"]

LABELS = {
    "hit@1": "Hit@1",
    "mrr@10": "MRR@10",
    "ndcg@10": "nDCG@10",
    "recall@5": "Recall@5",
    "oos_accuracy": "OOS acc",
    "false_abstain": "False abstain",
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
