"""Query latency: percentiles of asking, and what one answer costs against its floor.

The floor is the model encoding the question plus a FAISS flat search over the store's
own vectors, the least any dense answer can cost, measured in the same process and on the
same questions. `Retriever.ask` is timed whole and stage by stage (encode, lexical,
concepts, dense, fusion, abstention, answer assembly), under each thread mode
(`qagraph.eval.bench_threads`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from qagraph.eval.bench_threads import THREAD_MODES, set_thread_pools

logger = logging.getLogger(__name__)

#: Questions timed under one thread mode before the next mode's turn.
_MODE_BLOCK = 10

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
