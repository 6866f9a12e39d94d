"""Speed and memory of ingest and retrieval, measured (never asserted in tests).

`run_bench` builds throw-away stores in a temporary folder, so the user's store and its
vector cache are left alone: the cold ingest really embeds everything.

It also measures what one answer costs against its floor (`qagraph.eval.bench_latency`),
with numpy's BLAS and FAISS's OpenMP limited to one thread each (as the CLI and the app
run, `qagraph.runtime.configure_threads`) and with the libraries' own pool sizes
(`qagraph.eval.bench_threads`), and how many wordings of a question `ask` embeds
(`qagraph.eval.bench_wordings`); `qagraph.eval.bench_tables` renders the report.
Scale (`qagraph.eval.bench_scale`) and the app under concurrent requests
(`qagraph.eval.bench_app`) have their own modules.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qagraph.encoders import EncoderConfig, load_encoder
from qagraph.eval.bench_latency import _latency_ms, answer_cost
from qagraph.eval.bench_threads import THREAD_MODES, set_thread_pools
from qagraph.eval.bench_wordings import wording_cost
from qagraph.retrieval.fusion import VARIANTS

logger = logging.getLogger(__name__)

_FALLBACK_QUERIES = (
    "what is gradient descent",
    "how do you handle an imbalanced dataset",
    "explain the bias variance tradeoff",
    "whats PCA",
    "gradiant desent",
    "how do I file my taxes",
)


def _peak_rss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return usage / (1 << 20) if sys.platform == "darwin" else usage / 1024


def _timed(fn, *args, **kwargs) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def bench_queries(limit: int = 100) -> list[str]:
    """Query texts for latency: the packaged eval set (any split: only speed is measured)."""
    try:
        from qagraph.eval.dataset import load_eval_set

        queries = [q.query for q in load_eval_set().queries]
    except Exception as exc:  # the eval set is optional for a benchmark
        logger.info("eval set unavailable (%s); using built-in queries", exc)
        queries = list(_FALLBACK_QUERIES)
    return queries[:limit]


def run_bench(
    *,
    model: str | None = None,
    paths: Sequence[Path] | None = None,
    n_queries: int = 100,
    synthetic: int = 0,
    thread_modes: Sequence[str] = THREAD_MODES,
    variants: bool = True,
) -> dict[str, Any]:
    """Measure model load, cold and warm ingest, index builds, query latency and memory.

    Args:
        model: Encoder model name (default: the packaged MiniLM).
        paths: Documents to ingest (default: the bundled corpus).
        n_queries: Queries timed per variant.
        synthetic: When > 0, also time flat and HNSW indexes over this many random vectors.
        thread_modes: Thread pool settings the answer cost is measured under, in order
            (see `THREAD_MODES`); the rest of the bench runs under the first.
        variants: Also time `search` for every retrieval variant.

    Returns:
        A JSON-serialisable report; `format_table` renders it.
    """
    from qagraph.index.vectors import FaissIndex, VectorIndexConfig
    from qagraph.ingest.pipeline import IngestConfig, ingest
    from qagraph.retrieval.lexical import LexicalIndex
    from qagraph.retrieval.searcher import Retriever

    thread_modes = list(thread_modes) or [THREAD_MODES[0]]
    config = EncoderConfig(model=model) if model else EncoderConfig()
    report: dict[str, Any] = {"model": config.model, "load": _load()}
    report["threads"] = set_thread_pools(thread_modes[0])
    report["thread_mode"] = thread_modes[0]
    encoder, report["model_load_s"] = _timed(load_encoder, config)
    ingest_config = IngestConfig(encoder=config, progress=False)
    with tempfile.TemporaryDirectory(prefix="qagraph-bench-") as tmp:
        store = Path(tmp) / "store"
        cold, report["ingest_cold_s"] = _timed(ingest, paths, store=store, config=ingest_config)
        warm, report["ingest_warm_s"] = _timed(ingest, paths, store=store, config=ingest_config)
        report["nodes"] = cold.nodes
        report["embedded_cold"] = cold.embedded.misses if cold.embedded else None
        report["embedded_warm"] = warm.embedded.misses if warm.embedded else None
        retriever, report["retriever_open_s"] = _timed(Retriever.open, store, encoder=encoder)
        vectors = retriever.dense.index.vectors()
        report["vectors"] = int(vectors.shape[0])
        _, report["faiss_flat_build_s"] = _timed(FaissIndex.build, vectors)
        _, report["bm25_build_s"] = _timed(LexicalIndex, retriever.kb.nodes())
        queries = bench_queries(n_queries)
        report["queries"] = len(queries)
        # The first answer pays one-time costs (abstention calibration, where there is one).
        _, report["first_ask_s"] = _timed(retriever.ask, queries[0])
        report["answer"] = answer_cost(retriever, queries, thread_modes)
        report["wordings"] = wording_cost(retriever, queries)
        if variants:
            report["latency_ms"] = {v: _latency(retriever, queries, v) for v in VARIANTS}
        if synthetic > 0:
            report["synthetic"] = _synthetic(synthetic, vectors, FaissIndex, VectorIndexConfig)
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    report["load_after"] = _load()
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in report.items()}


def _load() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _latency(retriever, queries: Sequence[str], variant: str) -> dict[str, float]:
    # The query embedding is timed too, as a user's first ask pays it.
    return _latency_ms(lambda q: retriever.search(q, k=10, variant=variant), queries, retriever)


def _synthetic(n: int, base: np.ndarray, index_cls, config_cls) -> dict[str, Any]:
    """Flat vs HNSW over `n` vectors scattered around the corpus's own vectors.

    Uniformly random vectors would be the worst case for HNSW and unlike any text
    embedding; noisy copies of real embeddings keep the clustered shape of real data.
    """
    rng = np.random.default_rng(0)
    dim = base.shape[1]
    spread = rng.uniform(0.01, 0.06, size=(n, 1)).astype(np.float32)
    noise = rng.standard_normal((n, dim)).astype(np.float32)
    rows = base[rng.integers(len(base), size=n)] + spread * noise
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    queries = rows[:200] + 0.03 * rng.standard_normal((200, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    out: dict[str, Any] = {"vectors": n}
    exact = None
    for kind in ("flat", "hnsw"):
        index, build = _timed(index_cls.build, rows, config_cls(kind=kind))
        start = time.perf_counter()
        hits = [index.search(q.reshape(1, -1), 10).ids[0] for q in queries]
        per_query = (time.perf_counter() - start) / len(queries) * 1000
        if exact is None:
            exact = hits
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(hits, exact, strict=True)])
        out[kind] = {
            "build_s": round(build, 3),
            "query_ms": round(per_query, 3),
            "recall@10": round(float(recall), 4),
        }
    return out
