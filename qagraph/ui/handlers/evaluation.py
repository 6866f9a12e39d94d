"""Evaluation: run a graded query set through the retrieval variants and show the metrics.

The runner and metrics belong to `qagraph.eval`; this module picks the set, reports
progress, and turns the report into table rows, a chart and the failing queries.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from qagraph.errors import QagraphError
from qagraph.eval.results import VARIANTS as EVAL_VARIANTS
from qagraph.ui import render
from qagraph.ui.figures import metrics_figure
from qagraph.ui.state import Snapshot

logger = logging.getLogger(__name__)

SPLITS = ("test", "dev", "all")
# The variants evaluation knows: the retrieval variants and the plain dense baseline.
VARIANTS = EVAL_VARIANTS
METRICS = ("hit@1", "mrr@10", "ndcg@10", "recall@5", "oos_accuracy", "false_abstain")
FAILURE_HEADERS = ["query id", "kind", "query", "why it failed", "expected", "top results"]

#: progress(done, total, message)
ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class EvalView:
    """What the Evaluation tab shows after a run.

    Attributes:
        summary: Markdown: the set, split, number of queries and the best variant.
        headers: Column names of `rows`.
        rows: One row per variant: its name, then "value [low, high]" per metric.
        figure: Bar chart of the metrics per variant (plotly), or None.
        failures: Variant -> rows of failing queries (see `FAILURE_HEADERS`).
    """

    summary: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    figure: Any = None
    failures: dict[str, list[list[Any]]] = field(default_factory=dict)


def _bundled_dir() -> Path:
    return Path(str(resources.files("qagraph") / "data" / "eval"))


def available_sets(extra_dir: Path | None = None) -> list[tuple[str, str]]:
    """(label, key) of the evaluation sets: the bundled ones, then `extra_dir/*.jsonl`.

    Keys name a set without a server path ("bundled/queries.jsonl", "store/mine.jsonl"), so
    the page and its API never show one and a client cannot point the server at any file.
    """
    found = [(f"{p.name} (bundled)", f"bundled/{p.name}") for p in _sets(_bundled_dir())]
    found += [(f"{p.name} (store)", f"store/{p.name}") for p in _sets(extra_dir)]
    return found


def _sets(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.jsonl") if p.is_file() and _is_query_set(p))


def _is_query_set(path: Path) -> bool:
    """True when the file's first record is a graded query (other JSONL files sit alongside)."""
    try:
        with path.open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        record = json.loads(first)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(record, dict) and {"id", "query", "relevant"} <= record.keys()


def set_path(key: str | None, extra_dir: Path | None = None) -> Path | None:
    """The file of a set key from `available_sets`; None for the default bundled set.

    Raises:
        QagraphError: When the key names no offered set.
    """
    if not key:
        return None
    folders = {"bundled": _bundled_dir(), "store": extra_dir}
    kind, _, name = key.partition("/")
    folder = folders.get(kind)
    if folder is None or name not in {p.name for p in _sets(folder)}:
        raise QagraphError(f"no evaluation set {key!r}")
    return folder / name


def run(
    snapshot: Snapshot,
    path: Path | None,
    split: str = "test",
    variants: Sequence[str] = VARIANTS,
    *,
    progress: ProgressFn | None = None,
    bootstrap_samples: int = 1000,
) -> EvalView:
    """Evaluate the snapshot's retriever on one split of a set.

    Args:
        snapshot: The state to evaluate.
        path: The set file (see `set_path`); None for the bundled set.
        split: "test", "dev" or "all".
        variants: Retrieval variants to compare.
        progress: Called after each search with (done, total, message).
        bootstrap_samples: Resamples for the confidence intervals.

    Raises:
        QagraphError: When retrieval or evaluation is unavailable, the set is malformed or
            does not match the knowledge base, or no variant is chosen.
    """
    if snapshot.retriever is None:
        raise QagraphError(snapshot.retrieval_error or "retrieval not available")
    try:
        from qagraph.eval.baseline import WithBaseline
        from qagraph.eval.dataset import load_eval_set, resolve
        from qagraph.eval.runner import EvalConfig, run_eval
    except ImportError as exc:
        raise QagraphError(f"evaluation not available: {exc}") from exc
    if not variants:
        raise QagraphError("choose at least one retrieval variant")
    config = EvalConfig(
        set_path=path,
        split=split,
        variants=tuple(variants),
        bootstrap_samples=bootstrap_samples,
    )
    dataset = load_eval_set(config.set_path)
    resolved = resolve(dataset.queries, snapshot.kb)
    searcher = WithBaseline(snapshot.retriever)
    report = run_eval(searcher, resolved, config, progress=progress)
    return view(report)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value.value, float) and math.isnan(value.value)):
        return "—"
    return f"{value.value:.3f} [{value.low:.2f}, {value.high:.2f}]"


def metric_headers() -> list[str]:
    """Column names of the metrics table."""
    labels = _labels()
    return ["variant", *(labels.get(m, m) for m in METRICS)]


def view(report: Any) -> EvalView:
    """Table rows, chart and failures of an `EvalReport`."""
    labels = _labels()
    headers = metric_headers()
    rows = []
    chart: dict[str, dict[str, tuple[float, float, float]]] = {}
    for name, variant in report.variants.items():
        rows.append([name, *(_cell(variant.metrics.get(m)) for m in METRICS)])
        chart[name] = {
            labels.get(m, m): (v.value, v.low, v.high)
            for m in METRICS[:5]
            if (v := variant.metrics.get(m)) is not None and not math.isnan(v.value)
        }
    figure = metrics_figure(chart, [labels.get(m, m) for m in METRICS[:5]])
    failures = {name: failure_rows(v.failures) for name, v in report.variants.items()}
    n = len(report.queries)
    inside = sum(q.query.in_scope for q in report.queries)
    best = max(report.variants, key=lambda name: _mrr(report.variants[name]), default=None)
    set_name = report.config.set_path.name if report.config.set_path else "queries.jsonl"
    summary = (
        f"**{set_name}**, split **{report.config.split}**: {n} queries "
        f"({inside} in scope, {n - inside} out of scope). "
        "Cells show the mean and its 95% bootstrap interval."
    )
    if best is not None and _mrr(report.variants[best]) >= 0:
        summary += f" Best MRR@10: **{best}**."
    return EvalView(summary, headers, rows, figure, failures)


def _mrr(variant: Any) -> float:
    value = variant.metrics.get("mrr@10")
    return -1.0 if value is None or math.isnan(value.value) else value.value


def failure_rows(failures: Sequence[Any]) -> list[list[Any]]:
    """Rows of failing queries: what was expected and what came back instead."""
    return [
        [
            f.query_id,
            f.kind,
            f.query,
            f.reason,
            _cell_list(f.expected) or "*(should abstain)*",
            _cell_list(node.label() for node in f.got) or "*(nothing)*",
        ]
        for f in failures
    ]


def _cell_list(items: Iterable[str]) -> str:
    """Items as lines of a markdown table cell (which cannot hold a real list)."""
    return "<br>".join(f"{i}. {_escape(item)}" for i, item in enumerate(items, start=1))


def _escape(text: str) -> str:
    # Stored questions: sanitized like every other stored text, then made safe in a cell.
    return render.inline(text).replace("|", "\\|")


def _labels() -> dict[str, str]:
    try:
        from qagraph.eval.report import LABELS
    except ImportError:
        return {}
    return dict(LABELS)
