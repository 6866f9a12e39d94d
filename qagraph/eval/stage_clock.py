"""The scale bench's stage clock: wall time, model time and peak memory per ingest stage.

`StageClock` books each stage's exclusive wall time; `TimedEncoder` books the model's
share of it. Peak resident memory is read per stage (Linux: VmHWM, reset between stages
through /proc/self/clear_refs), else for the whole process (getrusage).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def _read_hwm_kb() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class StageClock:
    """Exclusive wall time per stage: a stage called inside another is not counted twice.

    Also the model's share: `encode_s` and `texts` per stage, from the encoder proxy.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.encode_s: dict[str, float] = defaultdict(float)
        self.texts: dict[str, int] = defaultdict(int)
        self.peak_mb: dict[str, float] = {}
        self.sizes: dict[str, int] = {}  # length of what each stage returned, if a list
        self.log: Callable[[str], None] | None = None
        self._stack: list[list[Any]] = []  # [name, start, child seconds, peak kB]
        self.track_memory = True

    @property
    def current(self) -> str:
        return self._stack[-1][0] if self._stack else "other"

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._fold()
        self._stack.append([name, time.perf_counter(), 0.0, 0.0])
        try:
            yield
        finally:
            self._fold()
            _, start, children, peak_kb = self._stack.pop()
            elapsed = time.perf_counter() - start
            self.seconds[name] += elapsed - children
            self.calls[name] += 1
            if self._stack:
                self._stack[-1][2] += elapsed
            if peak_kb:
                self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), peak_kb / 1024)
            if self.log is not None and name != "read/split":
                self.log(f"{name}: {elapsed:.1f} s")

    def _fold(self) -> None:
        """Book the peak since the last fold to every open stage, then reset the peak."""
        if not self.track_memory:
            return
        hwm = _read_hwm_kb()
        if hwm is None:
            return
        for frame in self._stack:
            frame[3] = max(frame[3], hwm)
        _reset_hwm()

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            with self.stage(name):
                value = fn(*args, **kwargs)
            if isinstance(value, list):
                self.sizes[name] = len(value)
            return value

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


class TimedEncoder:
    """An encoder that books each `encode` call's time and texts to the current stage."""

    def __init__(self, inner: Any, clock: StageClock, keep: list[str] | None = None) -> None:
        self._inner = inner
        self._clock = clock
        self._keep = keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode(self, texts, **kwargs):
        texts = list(texts) if not isinstance(texts, str) else texts
        start = time.perf_counter()
        out = self._inner.encode(texts, **kwargs)
        stage = self._clock.current
        self._clock.encode_s[stage] += time.perf_counter() - start
        self._clock.texts[stage] += len(texts)
        if self._keep is not None:
            self._keep.extend(texts)
        return out

    def count_tokens(self, text: str) -> int:
        return self._inner.count_tokens(text)


def hwm_supported() -> bool:
    """True when per-stage peak memory can be measured (Linux)."""
    return sys.platform.startswith("linux") and _read_hwm_kb() is not None
