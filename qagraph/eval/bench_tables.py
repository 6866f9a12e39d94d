"""The bench report as text: the main table, answer cost by thread mode, the wordings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from qagraph.eval.bench_latency import ASK_STAGES

logger = logging.getLogger(__name__)


def format_table(report: dict[str, Any]) -> str:
    """The report as aligned text tables."""
    cold, warm = report["embedded_cold"], report["embedded_warm"]
    rows: list[tuple[str, str]] = [
        ("model", str(report["model"])),
        ("load average (1, 5, 15 min)", f"{_fmt_load(report.get('load'))} before, "
         f"{_fmt_load(report.get('load_after'))} after"),
        ("thread pools", f"{report['thread_mode']}: {_fmt_pools(report['threads'])}"),
        ("model load", f"{report['model_load_s']:.2f} s"),
        ("nodes / vectors", f"{report['nodes']} / {report['vectors']}"),
        ("ingest, cold cache", f"{report['ingest_cold_s']:.2f} s ({cold} texts embedded)"),
        ("ingest, warm cache", f"{report['ingest_warm_s']:.2f} s ({warm} texts embedded)"),
        ("retriever open", f"{report['retriever_open_s'] * 1000:.1f} ms"),
        ("first ask", f"{report['first_ask_s'] * 1000:.1f} ms (one-time costs included)"),
        ("FAISS flat index build", f"{report['faiss_flat_build_s'] * 1000:.2f} ms"),
        ("BM25 index build", f"{report['bm25_build_s'] * 1000:.1f} ms"),
    ]  # fmt: skip
    for variant, lat in report.get("latency_ms", {}).items():
        name = f"search {variant} ({report['queries']} q)"
        rows.append((name, f"p50 {lat['p50']} ms, p95 {lat['p95']} ms"))
    if "synthetic" in report:
        syn = report["synthetic"]
        for kind in ("flat", "hnsw"):
            s = syn[kind]
            rows.append(
                (
                    f"{syn['vectors']} synthetic vectors, {kind}",
                    f"build {s['build_s']} s, {s['query_ms']} ms/query, recall@10 {s['recall@10']}",
                )
            )
    rows.append(("peak RSS", f"{report['peak_rss_mb']} MB"))
    width = max(len(name) for name, _ in rows)
    out = [f"{name:<{width}}  {value}" for name, value in rows]
    if report.get("answer"):
        out += ["", format_answer_cost(report["answer"], report["queries"])]
    if report.get("wordings"):
        out += ["", format_wordings(report["wordings"])]
    return "\n".join(out)


def _fmt_load(load: Sequence[float] | None) -> str:
    return "n/a" if not load else " ".join(f"{x:.2f}" for x in load)


def _fmt_pools(pools: dict[str, Any]) -> str:
    parts = [f"BLAS {','.join(map(str, pools.get('blas', []))) or 'n/a'}"]
    parts.append(f"FAISS OpenMP {pools.get('faiss_omp')}")
    if "torch" in pools:
        parts.append(f"torch {pools['torch']}")
    return ", ".join(parts)


def format_answer_cost(answer: dict[str, dict[str, Any]], n_queries: int) -> str:
    """One column per thread mode: the floor, `ask`, the ratio and `ask` by stage (ms)."""
    modes = list(answer)
    head = ["ms per question" + f" ({n_queries} q)", *(f"{m}: p50 / p95" for m in modes)]
    rows = [head, ["threads", *(_fmt_pools(answer[m]["threads"]) for m in modes)]]

    def cell(d: dict[str, float]) -> str:
        return f"{d['p50']:.2f} / {d['p95']:.2f}"

    rows.append(["floor: encode + FAISS flat", *(cell(answer[m]["floor_ms"]) for m in modes)])
    rows.append(["ask", *(cell(answer[m]["ask_ms"]) for m in modes)])
    rows.append(["ask / floor (p50)", *(f"{answer[m]['ratio_p50']}x" for m in modes)])
    rows.append(["ask, stages timed", *(cell(answer[m]["instrumented_ms"]) for m in modes)])
    for stage in ASK_STAGES:
        rows.append([f"  {stage}", *(cell(answer[m]["stages_ms"][stage]) for m in modes)])
    rows.append(
        [
            "encoder calls per ask: questions",
            *(
                ", ".join(f"{n}: {c}" for n, c in answer[m].get("forward_passes", {}).items())
                for m in modes
            ),
        ]
    )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
        for r in rows
    )


def format_wordings(w: dict[str, Any]) -> str:
    """How many wordings `ask` embedded per question, and the extra forward-pass cost."""
    counts = ", ".join(f"{n}: {c}" for n, c in w["by_wordings"].items())
    lines = [
        f"wordings embedded per question ({w['queries']} q): {counts}",
        f"  more than one: {w['more_than_one']} questions; forward pass over all of them "
        f"p50 {w['all_wordings_ms']['p50']} ms vs the question alone "
        f"{w['one_wording_ms']['p50']} ms (extra p50 {w['extra_ms']['p50']} ms, "
        f"{w['extra_total_ms']} ms over the set)",
    ]
    for example in w["examples"][:3]:
        lines.append(f"  e.g. {' | '.join(example['wordings'])}")
    return "\n".join(lines)
