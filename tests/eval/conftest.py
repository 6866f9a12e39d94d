"""Fixtures of the eval tests: the bundled corpus stored with the hashing encoder."""

from __future__ import annotations

import pytest

from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import KnowledgeBase, Store


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The bundled corpus ingested once per session with the fast hashing encoder."""
    path = tmp_path_factory.mktemp("eval_store")
    config = IngestConfig(encoder=EncoderConfig(model="hashing"), progress=False)
    result = ingest(None, store=path, config=config)
    assert result.ok
    return Store(path).open()
