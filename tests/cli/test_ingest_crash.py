"""Crash safety: a real `qagraph ingest` killed with SIGKILL at a random moment leaves a
store that opens with either the complete old content or the complete new content.

Each trial starts `qagraph ingest` (with the fast `hashing` model) on the content the store
does not hold, kills it after a random delay spread over the time a whole run takes (so
kills land while it starts, reads, splits, writes the new generation, commits, and just
after it finished), then opens the store and checks its node count and sources are one of
the two complete states. The next trial then ingests into whatever was left, partial
generation folders included, so recovery is tested too. 3 trials by default, 20 with
`--runslow`; the random seed is in every failure message.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

import qagraph
from qagraph.ingest.pipeline import bundled_corpus
from qagraph.kb import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL")

# The child must import this checkout even when qagraph is not installed.
CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(qagraph.__file__).parents[1])}
CLI = [sys.executable, "-c", "import sys; from qagraph.cli import main; sys.exit(main())"]


def _ingest_cmd(docs: Path, store: Path) -> list[str]:
    return [*CLI, "ingest", str(docs), "--store", str(store), "--model", "hashing",
            "--no-progress"]  # fmt: skip


def _state(store: Path) -> tuple[int, tuple[str, ...]]:
    """(node count, sorted source names) of the store; it must open and verify."""
    with Store(store).open() as kb:
        assert kb.verify() == []
        return len(kb.nodes()), tuple(sorted(s.name for s in kb.sources()))


class _Run(NamedTuple):
    code: int  # exit status; negative: killed by that signal
    seconds: float  # from start to exit
    writing: float | None  # when its new generation folder appeared, if it did
    committed: float | None  # when CURRENT first named another generation, if it did


def _run(
    docs: Path, store: Path, *, kill_after: float | None = None, from_writing: bool = False
) -> _Run:
    """Run `qagraph ingest`; SIGKILL it `kill_after` seconds after its start, or after it
    started writing its new generation when `from_writing` (None: let it finish)."""
    before, current = set(store.glob("gen-*")), _current(store)
    start = time.monotonic()
    child = subprocess.Popen(
        _ingest_cmd(docs, store), env=CHILD_ENV, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    writing: float | None = None
    committed: float | None = None
    while child.poll() is None:
        now = time.monotonic() - start
        if writing is None and set(store.glob("gen-*")) - before:
            writing = now
        if committed is None and _current(store) != current:
            committed = now
        origin = writing if from_writing else 0.0
        if kill_after is not None and origin is not None and now >= origin + kill_after:
            child.send_signal(signal.SIGKILL)
            break
        if now > 300:
            child.kill()
            pytest.fail("qagraph ingest ran for more than 300 s")
        time.sleep(0.005)
    code = child.wait(timeout=60)
    return _Run(code, time.monotonic() - start, writing, committed)


def _current(store: Path) -> str | None:
    try:
        return (store / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _partial_generations(store: Path) -> set[str]:
    current = (store / "CURRENT").read_text(encoding="utf-8").strip()
    return {p.name for p in store.glob("gen-*") if p.name != current}


def _outcome(store: Path, code: int, is_new: bool, partial_before: set[str]) -> str:
    if code == 0:
        return "finished"
    if is_new:
        return "killed after commit"
    if _partial_generations(store) - partial_before:
        return "killed while writing"
    return "killed before writing"


@pytest.fixture
def contents(tmp_path: Path) -> dict[str, Path]:
    """Two document sets of different size: "old" (one file) and "new" (three)."""
    corpus = sorted(bundled_corpus().iterdir())
    sets = {"old": corpus[:1], "new": corpus[:3]}
    folders = {}
    for name, files in sets.items():
        folders[name] = tmp_path / name
        folders[name].mkdir()
        for file in files:
            shutil.copy(file, folders[name])
    return folders


def _crash_trials(tmp_path: Path, contents: dict[str, Path], trials: int) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    store = tmp_path / "store"
    # Complete runs first: the two states to expect, how long a run takes, and how long
    # it spends writing its generation.
    runs, states = {}, {}
    for name in ("old", "new"):
        runs[name] = _run(contents[name], store)
        assert runs[name].code == 0
        assert runs[name].writing is not None and runs[name].committed is not None
        states[name] = _state(store)
    assert states["old"][0] != states["new"][0]
    held, outcomes = "new", []
    for trial in range(trials):
        target = "old" if held == "new" else "new"
        full = runs[target]
        # Half the kills at any moment of the run, half while it writes its generation
        # (from the moment its folder appears to a little after a whole run commits).
        from_writing = trial % 2 == 1
        span = full.committed - full.writing if from_writing else full.seconds
        delay = rng.uniform(0.0, 1.2 * span)
        partial_before = _partial_generations(store)
        run = _run(contents[target], store, kill_after=delay, from_writing=from_writing)
        when = "after it started writing" if from_writing else "after its start"
        where = f"trial {trial} (seed {seed}): ingest of {target} killed {delay:.2f}s {when}"
        try:
            state = _state(store)
        except Exception as exc:  # noqa: BLE001 - reported with the seed
            pytest.fail(f"{where}: the store does not open: {exc!r}")
        assert state in (states[held], states[target]), f"{where}: partial content {state}"
        if run.code == 0:
            assert state == states[target], f"{where}: finished, yet the store is not new"
        outcomes.append(_outcome(store, run.code, state == states[target], partial_before))
        held = "old" if state == states["old"] else "new"
    # Whatever the kills left behind, a complete run still works.
    assert _run(contents["old"], store).code == 0
    assert _state(store) == states["old"]
    print(f"crash trials (seed {seed}): {outcomes}")


def test_killed_ingest_leaves_old_or_new_store(tmp_path: Path, contents: dict[str, Path]) -> None:
    _crash_trials(tmp_path, contents, trials=3)


@pytest.mark.slow
def test_killed_ingest_leaves_old_or_new_store_many(
    tmp_path: Path, contents: dict[str, Path]
) -> None:
    _crash_trials(tmp_path, contents, trials=20)
