"""Ingest at scale, run and reported: an N-question corpus ingested cold, stage by stage.

`run_scale` writes a corpus of N questions made from real documents
(`qagraph.eval.scale_corpus`), ingests it into a fresh store (cold vector cache) with every
pipeline stage timed (`qagraph.eval.scale_stages`, `qagraph.eval.stage_clock`), then times
questions asked of the store; `format_scale` renders the report as text tables.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qagraph.eval.scale_corpus import SeedNode, make_corpus
from qagraph.eval.scale_stages import COMPLEXITY, STAGE_ORDER, timed_pipeline
from qagraph.eval.stage_clock import StageClock

logger = logging.getLogger(__name__)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_scale(
    n: int,
    *,
    model: str | None = None,
    n_queries: int = 100,
    workdir: Path | None = None,
    seeds: Sequence[SeedNode] | None = None,
    bare_encode: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Build an N-question corpus, ingest it cold with every stage timed, then time queries.

    Args:
        n: Number of questions.
        model: Encoder model name (default: the packaged MiniLM).
        n_queries: Questions asked of the store for latency (the packaged eval queries).
        workdir: Where the corpus and the store go (default: a temporary folder, removed).
        seeds: Nodes to build the corpus from (default: bundled and evaluation corpora).
        bare_encode: Also time a bare sentence-transformers encode of the embedded texts.
        progress: Say on stderr what is being done.

    Returns:
        A JSON-serialisable report; `format_scale` renders it.
    """
    from qagraph.encoders import EncoderConfig, load_encoder
    from qagraph.eval.bench import _load, _peak_rss_mb, bench_queries
    from qagraph.eval.bench_latency import _latency_ms
    from qagraph.ingest.pipeline import IngestConfig, ingest
    from qagraph.retrieval.searcher import Retriever

    config = EncoderConfig(model=model) if model else EncoderConfig()
    report: dict[str, Any] = {"model": config.model, "questions": n, "load": _load()}

    def say(message: str) -> None:
        if progress:
            print(f"qagraph: bench: {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    encoder = load_encoder(config)  # loaded (and memoised) before the clock starts
    report["model_load_s"] = time.perf_counter() - start
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qagraph-")))
        say(f"writing {n} questions into {workdir / 'corpus'}")
        corpus = make_corpus(n, workdir / "corpus", seeds)
        report["corpus"] = {
            "files": corpus.files,
            "seeds": corpus.seeds,
            "mb": round(corpus.bytes / 1e6, 2),
            "write_s": round(corpus.seconds, 2),
        }
        store = workdir / "store"
        clock = StageClock()
        clock.log = say if progress else None
        ingest_config = IngestConfig(encoder=config, progress=False)
        kept: list[str] | None = [] if bare_encode else None
        say("ingesting (cold)")
        start = time.perf_counter()
        with timed_pipeline(clock, kept):
            result = ingest([corpus.folder], store=store, config=ingest_config)
        total = time.perf_counter() - start
        report["ingest_s"] = total
        report["nodes"] = result.nodes
        report["embedded"] = result.embedded.misses if result.embedded else None
        report["stages"] = {
            name: {
                "s": round(clock.seconds.get(name, 0.0), 3),
                "encode_s": round(clock.encode_s.get(name, 0.0), 3),
                "texts": clock.texts.get(name, 0),
                "peak_mb": round(clock.peak_mb[name], 1) if name in clock.peak_mb else None,
                "items": clock.sizes.get(name),
                "complexity": COMPLEXITY[name],
            }
            for name in STAGE_ORDER
        }
        report["stages"]["other"] = {
            "s": round(total - sum(clock.seconds.values()), 3),
            "encode_s": 0.0,
            "texts": 0,
            "peak_mb": None,
            "items": None,
            "complexity": "file walk, glossary, manifest",
        }
        model_s = sum(clock.encode_s.values())
        texts = sum(clock.texts.values())
        report["embedding"] = {
            "texts": texts,
            "model_s": round(model_s, 3),
            "texts_per_s": round(texts / model_s, 1) if model_s else None,
        }
        if kept is not None:
            say(f"bare encode of {len(kept)} texts")
            report["bare_encode"] = bare_encode_rate(kept, model)
        report["store_mb"] = round(_folder_bytes(store) / 1e6, 2)
        report.update(_graph_counts(store))
        say("asking")
        start = time.perf_counter()
        retriever = Retriever.open(store, encoder=encoder)
        report["retriever_open_s"] = time.perf_counter() - start
        queries = bench_queries(n_queries)
        start = time.perf_counter()
        retriever.ask(queries[0])  # one-time costs (abstention calibration, where there is one)
        report["first_ask_s"] = time.perf_counter() - start
        report["queries"] = len(queries)
        report["ask_ms"] = _latency_ms(lambda q: retriever.ask(q), queries, retriever)
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    report["load_after"] = _load()
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in report.items()}


def _graph_counts(store: Path) -> dict[str, Any]:
    from qagraph.kb import Store

    with Store(store).open() as kb:
        graph = kb.manifest.get("graph") or {}
    edges = graph.get("edges", {})
    return {
        "concepts": graph.get("concepts"),
        "edges": edges,
        "same_question_groups": graph.get("same_question_groups"),
    }


def bare_encode_rate(
    texts: Sequence[str], model: str | None = None, *, sample: int = 1000, repeats: int = 3
) -> dict[str, Any]:
    """Texts per second of qagraph's encoder against a bare sentence-transformers `encode`.

    Both embed the same `sample` texts (evenly spread over `texts`, in their order), by
    turns, `repeats` times each, so that other work on the machine weighs on both alike;
    the medians are reported. The bare call is the library's own (batch 32, normalised),
    without qagraph's checks (a tokenizer pass to warn about long texts) or cache.
    """
    import statistics

    from qagraph.encoders import EncoderConfig, load_encoder

    config = EncoderConfig(model=model) if model else EncoderConfig()
    encoder = load_encoder(config)
    inner = getattr(encoder, "model", None) or getattr(encoder, "_model", None)
    if inner is None or not hasattr(inner, "encode"):
        return {"texts": 0, "texts_per_s": None, "note": "no sentence-transformers model"}
    step = max(1, len(texts) // max(1, sample))
    chosen = list(texts)[::step][:sample]
    if not chosen:
        return {"texts": 0, "texts_per_s": None, "note": "nothing to embed"}
    ours, bare = [], []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        encoder.encode(chosen, batch_size=config.batch_size)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        inner.encode(chosen, batch_size=config.batch_size, normalize_embeddings=True)
        bare.append(time.perf_counter() - start)
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    return {
        "texts": len(chosen),
        "repeats": len(ours),
        "s": round(bare_s, 3),
        "texts_per_s": round(len(chosen) / bare_s, 1),
        "qagraph_s": round(ours_s, 3),
        "qagraph_texts_per_s": round(len(chosen) / ours_s, 1),
    }


def format_scale(report: dict[str, Any]) -> str:
    """The scale report as text tables."""
    corpus = report["corpus"]
    head = [
        ("model", str(report["model"])),
        ("load average (1, 5, 15 min)", f"{_fmt_load(report.get('load'))} before, "
         f"{_fmt_load(report.get('load_after'))} after"),
        ("questions asked for / nodes stored", f"{report['questions']} / {report['nodes']}"),
        (
            "corpus",
            f"{corpus['files']} markdown files, {corpus['mb']} MB, from {corpus['seeds']} "
            f"real nodes (written in {corpus['write_s']} s)",
        ),
        ("cold ingest", f"{report['ingest_s']:.2f} s ({report['embedded']} texts embedded)"),
        ("store size", f"{report['store_mb']} MB"),
        ("concepts / same-question groups", f"{report['concepts']} / "
         f"{report['same_question_groups']}"),
        ("edges", ", ".join(f"{k} {v}" for k, v in sorted(report["edges"].items()))),
        ("retriever open / first ask", f"{report['retriever_open_s']:.2f} s / "
         f"{report['first_ask_s']:.2f} s"),
        (f"ask, {report['queries']} q", f"p50 {report['ask_ms']['p50']} ms, "
         f"p95 {report['ask_ms']['p95']} ms"),
        ("peak RSS (process)", f"{report['peak_rss_mb']} MB"),
    ]  # fmt: skip
    emb = report["embedding"]
    if emb["texts_per_s"] is not None:
        head.append(
            ("model encode", f"{emb['texts']} texts in {emb['model_s']} s = "
             f"{emb['texts_per_s']} texts/s")
        )  # fmt: skip
    if "bare_encode" in report and report["bare_encode"].get("texts_per_s"):
        bare = report["bare_encode"]
        head.append(
            (f"same {bare['texts']} texts, by turns", f"qagraph encoder "
             f"{bare['qagraph_texts_per_s']} texts/s, bare sentence-transformers "
             f"{bare['texts_per_s']} texts/s (medians of {bare['repeats']})")
        )  # fmt: skip
    if "thread_mode" in report:
        head.insert(2, ("thread pools", report["thread_mode"]))
    width = max(len(a) for a, _ in head)
    lines = [f"{a:<{width}}  {b}" for a, b in head]
    lines += ["", _stage_table(report["stages"])]
    lines.append(
        "output: related and same-question edges, contradiction candidate "
        "pairs, contradictions found"
    )
    return "\n".join(lines)


def _fmt_load(load: Sequence[float] | None) -> str:
    return "n/a" if not load else " ".join(f"{x:.2f}" for x in load)


def _stage_table(stages: dict[str, dict[str, Any]]) -> str:
    rows = [("stage", "s", "of which model", "texts", "peak MB", "output", "grows as")]
    for name, s in stages.items():
        peak = "" if s["peak_mb"] is None else f"{s['peak_mb']:.0f}"
        model = f"{s['encode_s']:.2f}" if s["texts"] else ""
        texts = str(s["texts"]) if s["texts"] else ""
        items = "" if s.get("items") is None else str(s["items"])
        rows.append((name, f"{s['s']:.2f}", model, texts, peak, items, s["complexity"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            row[i].ljust(widths[i]) if i in (0, 6) else row[i].rjust(widths[i])
            for i in range(len(row))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
