"""The wordings `ask` embeds per question, and the extra forward-pass cost of them."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from qagraph.eval.bench_latency import _percentiles

logger = logging.getLogger(__name__)


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
