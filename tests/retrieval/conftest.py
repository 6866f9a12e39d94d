"""Shared fixtures of the retrieval tests: small stores built with the hashing encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Store
from qagraph.retrieval import Retriever

HASHING = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))

DOC_A = """\
Q: What is gradient descent?
Gradient descent is an iterative optimisation method that follows the negative gradient
of the loss function to find a minimum.

Q: What is overfitting?
Overfitting happens when a model memorises noise in the training data and fails to
generalise to new data.

Q: Why is ReLU a good activation function?
ReLU keeps gradients alive for positive inputs, so deep networks train faster.
"""

DOC_B = """\
Q: What is gradient descent?

Q: How does a random forest work?
A random forest averages many decision trees trained on bootstrap samples of the data.
"""

DOC_C = """\
Q: What is gradient descent?
It moves the parameters step by step against the gradient of the cost.

Q: What is a confusion matrix?
A table of true positives, false positives, true negatives and false negatives.
"""


@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    (folder / "c.txt").write_text(DOC_C, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory, docs_dir: Path) -> Path:
    store = tmp_path_factory.mktemp("store") / "s"
    ingest([docs_dir], store=store, config=HASHING)
    return store


@pytest.fixture(scope="session")
def small_retriever(small_store: Path) -> Retriever:
    return Retriever.open(small_store)


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus, embedded with the hashing encoder."""
    store = tmp_path_factory.mktemp("corpus") / "s"
    ingest(None, store=store, config=HASHING)
    assert Store(store).exists
    return store


@pytest.fixture(scope="session")
def hashing_ingest() -> IngestConfig:
    """Ingest settings for fast tests: the hashing encoder, no progress bar."""
    return HASHING
