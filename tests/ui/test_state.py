"""App state: loading once, swapping snapshots atomically, building a missing store."""

from __future__ import annotations

import threading

from qagraph.encoders import EncoderConfig
from qagraph.ui.state import AppState


def test_a_snapshot_bundles_kb_concepts_and_retriever(ui_state) -> None:
    snap = ui_state.snapshot
    assert snap.retriever is not None and snap.retriever.kb is snap.kb
    assert len(snap.concepts) >= 6 and snap.retrieval_error == ""
    assert snap.generation.startswith("gen-")
    assert ui_state.uploads_dir == ui_state.store_path / "uploads"


def test_reload_swaps_in_a_new_snapshot_and_keeps_the_encoder(fresh_state) -> None:
    old = fresh_state.snapshot
    new = fresh_state.reload()
    assert new is fresh_state.snapshot and new is not old
    assert new.retriever.encoder is old.retriever.encoder  # the model is not loaded again
    # The old snapshot stays usable by requests that started before the swap.
    assert old.retriever.ask("what is dropout?").best is not None


def test_readers_during_reloads_always_see_a_whole_snapshot(fresh_state) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            snap = fresh_state.snapshot
            try:
                assert snap.retriever.kb is snap.kb
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for _ in range(3):
        fresh_state.reload()
    stop.set()
    for t in readers:
        t.join()
    assert not errors


def test_open_builds_a_missing_store_from_the_bundled_corpus(tmp_path, hashing_encoder) -> None:
    store = tmp_path / "new-store"
    state = AppState.open(
        store, encoder=hashing_encoder, encoder_config=EncoderConfig(model="hashing")
    )
    assert (store / "CURRENT").is_file()
    assert len(state.snapshot.kb.sources()) == 5
