"""Fixtures of the UI tests: the enriched corpus store and app states over it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# No analytics from Gradio or gradio_client in tests, which run offline.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

pytest.importorskip("qagraph.retrieval.searcher", reason="retrieval (qagraph.retrieval) is missing")

# kbfixture sits next to this file, and pytest puts this folder on sys.path.
import kbfixture  # noqa: E402

from qagraph.ui.state import AppState  # noqa: E402


@pytest.fixture(scope="session")
def ui_store(tmp_path_factory: pytest.TempPathFactory, hashing_encoder) -> Path:
    """The bundled corpus with the test concepts and contradiction, hashing encoder."""
    return kbfixture.build(tmp_path_factory.mktemp("ui") / "store", hashing_encoder)


@pytest.fixture(scope="session")
def ui_state(ui_store: Path, hashing_encoder) -> AppState:
    """A read-only app state shared by the tests that do not change the store."""
    return AppState(ui_store, encoder=hashing_encoder)


@pytest.fixture()
def fresh_state(ui_store: Path, tmp_path: Path, hashing_encoder) -> AppState:
    """An app state over a private copy of the store, for tests that upload or re-ingest."""
    copy = tmp_path / "store"
    shutil.copytree(ui_store, copy)
    return AppState(copy, encoder=hashing_encoder)
