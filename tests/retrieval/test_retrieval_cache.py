"""The vector cache: only misses are encoded, and a re-ingest embeds nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qagraph.encoders import HashingEncoder
from qagraph.encoders.cache import CachedEncoder
from qagraph.ingest.pipeline import IngestConfig, ingest


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts, **kwargs):
        self.encoded.extend(texts)
        return super().encode(texts, **kwargs)


def test_only_misses_are_encoded_and_vectors_match(tmp_path: Path) -> None:
    inner = CountingEncoder()
    cache = CachedEncoder(inner, tmp_path / "cache" / "v.sqlite")
    first = cache.encode(["alpha", "beta", "alpha"])
    assert inner.encoded == ["alpha", "beta"]
    assert (cache.hits, cache.misses) == (0, 2)
    second = cache.encode(["beta", "gamma", "alpha"])
    assert inner.encoded == ["alpha", "beta", "gamma"]
    assert (cache.hits, cache.misses) == (2, 3)
    np.testing.assert_array_equal(first[0], second[2])
    np.testing.assert_array_equal(second, HashingEncoder().encode(["beta", "gamma", "alpha"]))
    cache.close()
    # A new process (a new wrapper on the same file) finds everything cached.
    again = CachedEncoder(CountingEncoder(), tmp_path / "cache" / "v.sqlite")
    again.encode(["alpha", "beta", "gamma"])
    assert (again.hits, again.misses) == (3, 0)


def test_cache_is_keyed_by_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    CachedEncoder(HashingEncoder(), path).encode(["alpha"])
    other = HashingEncoder(dim=64)
    cache = CachedEncoder(other, path)
    assert other.fingerprint != HashingEncoder().fingerprint
    assert cache.encode(["alpha"]).shape == (1, 64)
    assert cache.misses == 1


def test_reingest_of_unchanged_documents_embeds_nothing(
    docs_dir: Path, tmp_path: Path, hashing_ingest: IngestConfig
) -> None:
    store = tmp_path / "s"
    first = ingest([docs_dir], store=store, config=hashing_ingest)
    assert first.embedded is not None and first.embedded.misses > 0
    second = ingest([docs_dir], store=store, config=hashing_ingest)
    assert second.embedded is not None
    assert second.embedded.misses == 0
    assert second.embedded.hits > 0
