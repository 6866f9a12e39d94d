"""Process-wide settings applied once when the CLI or the app starts.

numpy's BLAS (OpenBLAS) and FAISS (OpenMP) each start a pool of worker threads, and torch
starts its own for the encoder. On a small machine the pools fight: BLAS workers spin
while torch encodes, and a question that needs one forward pass and a few small matrix
products takes several times as long. The array work qagraph does outside torch is small
(one query against a few thousand vectors, fusion over a hundred candidates), so BLAS and
OpenMP get one thread each and torch keeps the cores for the model.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

_configured = False


def configure_threads(*, small_pools: int = 1) -> None:
    """Limit the BLAS and OpenMP pools to `small_pools` threads; idempotent.

    Args:
        small_pools: Threads for numpy's BLAS and FAISS's OpenMP. torch is left alone.
    """
    global _configured
    if _configured:
        return
    _configured = True
    if small_pools < 1:
        raise ValueError(f"small_pools must be at least 1, not {small_pools}")
    # Load numpy and FAISS (each with its own BLAS) first: threadpoolctl limits the
    # libraries already loaded. torch, imported later, keeps its own threads.
    import faiss
    from threadpoolctl import threadpool_limits

    faiss.omp_set_num_threads(small_pools)
    threadpool_limits(limits=small_pools, user_api="blas")
    logger.debug("BLAS and OpenMP pools limited to %d thread(s)", small_pools)
