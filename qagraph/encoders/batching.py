"""Small encode calls made at the same time share one forward pass.

The app answers several chat requests at once, and each embeds its question alone. The
model runs one call at a time (a lock: torch's threads already use every core), so the
others wait; a forward pass over eight short questions costs far less than eight passes
over one. So a caller that gets the model takes every small request waiting at that
moment along with its own, and hands each its rows.

A request alone is embedded exactly as before; in a batch, its rows may differ from those
of a call alone in the last bits (padding to the longest text of the batch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

#: Texts of waiting requests embedded together at most.
MAX_BATCH_TEXTS = 64


class _Request:
    __slots__ = ("done", "error", "texts", "vectors")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None
        self.done = False


class Coalescer:
    """Runs `encode` for the texts of every request waiting for `lock`, at once.

    Args:
        encode: Embeds a list of texts into one row each; called with `lock` held.
        lock: The lock that serialises the model's calls.
        max_texts: Texts embedded together at most; later requests wait for the next turn.
    """

    def __init__(
        self,
        encode: Callable[[list[str]], np.ndarray],
        lock: threading.Lock,
        *,
        max_texts: int = MAX_BATCH_TEXTS,
    ) -> None:
        self._encode = encode
        self._lock = lock
        self._max = max(1, max_texts)
        self._pending: list[_Request] = []
        self._guard = threading.Lock()  # guards `_pending` and each request's outcome

    def encode(self, texts: list[str]) -> np.ndarray:
        """The rows of `texts`, embedded alone or with other waiting requests."""
        request = _Request(list(texts))
        with self._guard:
            self._pending.append(request)
        with self._lock:
            with self._guard:
                if request.done:
                    # Another caller embedded it while this one waited for the model.
                    return self._outcome(request)
                batch = self._take(request)
            self._run(batch)
        with self._guard:
            return self._outcome(request)

    def _take(self, own: _Request) -> list[_Request]:
        """`own` and the requests waiting longest, up to `max_texts` texts in all; the
        others stay for the next turn."""
        taken, count, left = [own], len(own.texts), []
        for waiting in self._pending:
            if waiting is own:
                continue
            if count + len(waiting.texts) <= self._max:
                taken.append(waiting)
                count += len(waiting.texts)
            else:
                left.append(waiting)
        self._pending = left
        return taken

    def _run(self, batch: list[_Request]) -> None:
        try:
            vectors = self._encode([t for r in batch for t in r.texts])
        except BaseException as exc:  # every caller of the batch sees its own failure
            with self._guard:
                for waiting in batch:
                    waiting.error, waiting.done = exc, True
            return
        start = 0
        with self._guard:
            for waiting in batch:
                waiting.vectors = vectors[start : start + len(waiting.texts)]
                waiting.done = True
                start += len(waiting.texts)

    @staticmethod
    def _outcome(request: _Request) -> np.ndarray:
        if request.error is not None:
            raise request.error
        assert request.vectors is not None
        return request.vectors
