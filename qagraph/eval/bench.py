"""Speed and memory of ingest and retrieval, measured (never asserted in tests).

`run_bench` builds throw-away stores in a temporary folder, so the user's store and its
vector cache are left alone: the cold ingest really embeds everything.

It also measures what one answer costs against its floor, in the same process and on the
same questions: the floor is the model encoding the question plus a FAISS flat search over
the store's own vectors, the least any dense answer can cost. `Retriever.ask` is timed
whole and stage by stage (encode, lexical, concepts, dense, fusion, abstention, answer
assembly), with numpy's BLAS and FAISS's OpenMP limited to one thread each (as the CLI and
the app run, `qagraph.runtime.configure_threads`) and with the libraries' own pool sizes.
Scale (`qagraph.eval.bench_scale`) and the app under concurrent requests
(`qagraph.eval.bench_app`) have their own modules.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qagraph.encoders import EncoderConfig, load_encoder
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


THREAD_MODES = ("limited", "default", "single")
"""`limited`: one BLAS and one OpenMP thread, as `configure_threads` sets at CLI start;
`default`: the libraries' own pool sizes (one thread per core); `single`: `limited` with
torch on one thread too (torch keeps its own pool size in the other two)."""

#: Questions timed under one thread mode before the next mode's turn.
_MODE_BLOCK = 10

_TORCH_THREADS: list[int] = []  # torch's own pool size, read before the first change

#: Stages of `Retriever.ask`, in the order printed.
ASK_STAGES = (
    "encode",
    "lexical",
    "concepts",
    "dense",
    "fusion",
    "abstention",
    "answer assembly",
    "other",
)


def set_thread_pools(mode: str) -> dict[str, Any]:
    """Size numpy's BLAS and FAISS's OpenMP pools for `mode` (one of `THREAD_MODES`).

    Returns:
        The pool sizes now in force (BLAS as threadpoolctl reports it, FAISS's OpenMP,
        torch's intra-op threads).
    """
    if mode not in THREAD_MODES:
        raise ValueError(f"thread mode must be one of {', '.join(THREAD_MODES)}, not {mode!r}")
    import faiss
    from threadpoolctl import threadpool_info, threadpool_limits

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = max(1, cores or 1) if mode == "default" else 1
    faiss.omp_set_num_threads(threads)
    threadpool_limits(limits=threads, user_api="blas")
    pools: dict[str, Any] = {
        "blas": sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}),
        "faiss_omp": threads,
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        if not _TORCH_THREADS:
            _TORCH_THREADS.append(torch.get_num_threads())
        wanted = 1 if mode == "single" else _TORCH_THREADS[0]
        if torch.get_num_threads() != wanted:
            torch.set_num_threads(wanted)
        pools["torch"] = torch.get_num_threads()
    return pools


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


def _percentiles(times: Sequence[float]) -> dict[str, float]:
    if not times:
        return {"p50": 0.0, "p95": 0.0, "mean": 0.0}
    return {
        "p50": round(float(np.percentile(times, 50)), 2),
        "p95": round(float(np.percentile(times, 95)), 2),
        "mean": round(float(np.mean(times)), 2),
    }


def _latency_ms(ask: Callable[[str], Any], queries: Sequence[str], retriever) -> dict[str, float]:
    """p50/p95/mean in ms of `ask` over `queries`, each with the query vectors forgotten."""
    times = []
    for query in queries:
        retriever.clear_cache()
        start = time.perf_counter()
        ask(query)
        times.append((time.perf_counter() - start) * 1000)
    return _percentiles(times)


class QueryClock:
    """Wall time of one question by stage: the outermost timed call gets the time.

    A stage called from inside another (the dense question similarities that answer
    assembly asks for, the hybrid ranking abstention redoes) counts for the caller, which
    is where the cost would be saved.
    """

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.batches: list[int] = []  # texts per encoder call in the current question
        self._depth = 0

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self._depth:
            yield
            return
        self._depth += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            self.current[name] += time.perf_counter() - start
            self._depth -= 1

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            with self.stage(name):
                return fn(*args, **kwargs)

        return timed

    def take(self) -> tuple[dict[str, float], list[int]]:
        out, batches = dict(self.current), self.batches
        self.current, self.batches = defaultdict(float), []
        return out, batches


class _CountingEncoder:
    """The retriever's encoder, timing each call as `encode` and recording its batch size."""

    def __init__(self, inner: Any, clock: QueryClock) -> None:
        self._inner = inner
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode(self, texts, **kwargs):
        self._clock.batches.append(len(texts))
        with self._clock.stage("encode"):
            return self._inner.encode(texts, **kwargs)


#: (attribute path on the retriever, method, stage) timed by `instrumented`.
_ASK_HOOKS = (
    ("lexical", "terms", "lexical"),
    ("lexical", "corrected_text", "lexical"),
    ("lexical", "scores", "lexical"),
    ("lexical", "overlap", "lexical"),
    ("concepts", "match", "concepts"),
    ("concepts", "node_scores", "concepts"),
    ("concepts", "expand", "concepts"),
    ("concepts", "covered", "concepts"),
    ("dense", "candidates", "dense"),
    ("dense", "node_sims", "dense"),
    ("dense", "question_sims", "dense"),
    (None, "rank_signals", "fusion"),
    (None, "features", "abstention"),
    ("abstainer", "decide", "abstention"),
)


@contextlib.contextmanager
def instrumented(retriever, clock: QueryClock) -> Iterator[None]:
    """Time `retriever`'s stages with `clock` (instance attributes, removed afterwards)."""
    from unittest import mock

    from qagraph.retrieval import searcher

    with contextlib.ExitStack() as stack:
        for owner_name, method, stage in _ASK_HOOKS:
            owner = retriever if owner_name is None else getattr(retriever, owner_name)
            fn = getattr(owner, method)
            stack.enter_context(mock.patch.object(owner, method, clock.wrap(stage, fn)))
        assemble = clock.wrap("answer assembly", searcher.assemble_answer)
        stack.enter_context(mock.patch.object(searcher, "assemble_answer", assemble))
        counting = _CountingEncoder(retriever.encoder, clock)
        stack.enter_context(mock.patch.object(retriever, "encoder", counting))
        yield


def answer_cost(
    retriever, queries: Sequence[str], modes: Sequence[str] = THREAD_MODES, k: int = 5
) -> dict[str, dict[str, Any]]:
    """`Retriever.ask` against its floor, question by question, under each thread mode.

    The modes take turns by blocks of `_MODE_BLOCK` questions (so that other work on the
    machine weighs on every mode alike), each block after one untimed answer (so that the
    threads a mode leaves spinning are not timed under the next). For each question,
    with the query vectors forgotten each time: the floor (the model
    encoding the question, then a FAISS flat search for 10 over the store's vectors), the
    plain `ask`, and `ask` again with its stages timed.

    Returns:
        By mode: p50/p95/mean in ms of the floor, of `ask` and of each stage, the ratio of
        the medians, encoder calls per question and the thread pools.
    """
    from qagraph.index.vectors import FaissIndex, VectorIndexConfig

    encoder = retriever.encoder
    flat = FaissIndex.build(retriever.dense.index.vectors(), VectorIndexConfig(kind="flat"))
    clock = QueryClock()
    runs: dict[str, dict[str, Any]] = {}
    for mode in modes:
        pools = set_thread_pools(mode)
        retriever.ask(queries[0], k=k)  # first-call costs, not timed
        flat.search(encoder.encode([queries[0]]), 10)
        runs[mode] = {
            "threads": pools,
            "floor": [],
            "plain": [],
            "staged": [],
            "stages": {name: [] for name in ASK_STAGES},
            "passes": defaultdict(int),  # encoder calls per question
        }
    for first in range(0, len(queries), _MODE_BLOCK):
        block = queries[first : first + _MODE_BLOCK]
        for mode, query in ((m, q) for m in modes for q in [None, *block]):
            if query is None:
                # A new mode: threads the last one left spinning must not be timed here.
                set_thread_pools(mode)
                retriever.ask(block[0], k=k)
                continue
            run = runs[mode]
            start = time.perf_counter()
            flat.search(encoder.encode([query]), 10)
            run["floor"].append((time.perf_counter() - start) * 1000)
            retriever.clear_cache()
            start = time.perf_counter()
            retriever.ask(query, k=k)
            run["plain"].append((time.perf_counter() - start) * 1000)
            retriever.clear_cache()
            with instrumented(retriever, clock):
                start = time.perf_counter()
                retriever.ask(query, k=k)
                total = (time.perf_counter() - start) * 1000
            run["staged"].append(total)
            times, batches = clock.take()
            run["passes"][len(batches)] += 1
            for name in ASK_STAGES[:-1]:
                run["stages"][name].append(times.get(name, 0.0) * 1000)
            run["stages"]["other"].append(total - sum(times.values()) * 1000)
    set_thread_pools(modes[0])
    out = {}
    for mode, run in runs.items():
        floor_ms, ask_ms = _percentiles(run["floor"]), _percentiles(run["plain"])
        out[mode] = {
            "threads": run["threads"],
            "floor_ms": floor_ms,
            "ask_ms": ask_ms,
            "ratio_p50": round(ask_ms["p50"] / floor_ms["p50"], 2) if floor_ms["p50"] else None,
            "instrumented_ms": _percentiles(run["staged"]),
            "stages_ms": {name: _percentiles(v) for name, v in run["stages"].items()},
            "forward_passes": {str(n): c for n, c in sorted(run["passes"].items())},
        }
    return out


def wording_cost(retriever, queries: Sequence[str], repeats: int = 3) -> dict[str, Any]:
    """How often `ask` embeds more than one wording of a question, and what it costs.

    The wordings are the texts the retriever hands the encoder in one `ask` with its query
    cache cleared (the question, its typo-corrected and its acronym-expanded wording).
    For each question with more than one, the forward pass over them all is timed against
    the question alone (median of `repeats`).
    """
    from unittest import mock

    counts: dict[int, int] = defaultdict(int)
    seen: list[tuple[str, list[str]]] = []
    recorder = _RecordingEncoder(retriever.encoder)
    with mock.patch.object(retriever, "encoder", recorder):
        for query in queries:
            retriever.clear_cache()
            recorder.texts.clear()
            retriever.ask(query)
            wordings = [t for batch in recorder.texts for t in batch]
            counts[len(wordings)] += 1
            if len(wordings) > 1:
                seen.append((query, wordings))
    encoder = retriever.encoder
    one, many = [], []
    for query, wordings in seen:
        one.append(_median_ms(lambda q=query: encoder.encode([q]), repeats))
        many.append(_median_ms(lambda w=wordings: encoder.encode(w), repeats))
    extra = [m - o for o, m in zip(one, many, strict=True)]
    return {
        "queries": len(queries),
        "by_wordings": {str(n): c for n, c in sorted(counts.items())},
        "more_than_one": len(seen),
        "one_wording_ms": _percentiles(one),
        "all_wordings_ms": _percentiles(many),
        "extra_ms": _percentiles(extra),
        "extra_total_ms": round(sum(extra), 1),
        "examples": [{"query": q, "wordings": w} for q, w in seen[:5]],
    }


class _RecordingEncoder:
    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.texts: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode(self, texts, **kwargs):
        self.texts.append(list(texts))
        return self._inner.encode(texts, **kwargs)


def _median_ms(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


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
