"""The bench's thread modes: how numpy's BLAS, FAISS's OpenMP and torch pools are sized.

The CLI and the app run with BLAS and OpenMP on one thread each
(`qagraph.runtime.configure_threads`); the bench also measures the libraries' own pool
sizes, and torch on one thread too.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

logger = logging.getLogger(__name__)

THREAD_MODES = ("limited", "default", "single")
"""`limited`: one BLAS and one OpenMP thread, as `configure_threads` sets at CLI start;
`default`: the libraries' own pool sizes (one thread per core); `single`: `limited` with
torch on one thread too (torch keeps its own pool size in the other two)."""

_TORCH_THREADS: list[int] = []  # torch's own pool size, read before the first change


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
