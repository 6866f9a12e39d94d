"""A persistent vector cache in front of any encoder.

Vectors are keyed by (encoder fingerprint, sha256 of the text), so a re-ingest of unchanged
documents embeds nothing, and a model change never serves stale vectors. The cache is one
SQLite file under the store's `cache/` folder, which survives store generations.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qagraph.encoders.base import Encoder, EncoderError, text_list

logger = logging.getLogger(__name__)

CACHE_FILE = "vectors.sqlite"
"""File name of the vector cache inside a store's `cache/` folder."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    fingerprint TEXT NOT NULL, sha256 TEXT NOT NULL, dim INTEGER NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY (fingerprint, sha256)
) WITHOUT ROWID;
"""
# SQLite's default limit on host parameters is 999 in older builds; stay well below it.
_LOOKUP_BATCH = 500


def text_sha256(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes: the cache key of its vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEncoder:
    """Wraps an `Encoder`, embedding only texts whose vectors are not cached yet.

    It satisfies the `Encoder` protocol itself, so it can stand in wherever an encoder is
    expected. Safe to share between threads; several processes may share one cache file.

    Args:
        encoder: The encoder computing missing vectors.
        path: The SQLite cache file; its folder is created if missing.

    Attributes:
        hits: Texts served from the cache since construction (or `reset_counts`).
        misses: Distinct texts that had to be encoded.

    Raises:
        EncoderError: When the cache file cannot be opened.
    """

    def __init__(self, encoder: Encoder, path: str | Path) -> None:
        self._encoder = encoder
        self.path = Path(path)
        self.name = encoder.name
        self.dim = encoder.dim
        self.max_tokens = encoder.max_tokens
        self.fingerprint = encoder.fingerprint
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            # WAL lets a reader (say, the chat app) and an ingest share the file.
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise EncoderError(f"cannot open the vector cache {self.path}: {exc}") from exc

    @property
    def encoder(self) -> Encoder:
        """The wrapped encoder."""
        return self._encoder

    def __repr__(self) -> str:
        return f"CachedEncoder({self._encoder!r}, {str(self.path)!r})"

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` for the wrapped encoder."""
        return self._encoder.count_tokens(text)

    def reset_counts(self) -> None:
        """Set `hits` and `misses` back to zero."""
        with self._lock:
            self.hits = self.misses = 0

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embeds texts, reading cached vectors and encoding (then storing) the rest.

        Args:
            texts: The texts; a bare `str` is rejected.
            batch_size: Passed to the wrapped encoder for the misses.
            show_progress: Passed to the wrapped encoder for the misses.

        Returns:
            float32 array (len(texts), dim) with unit rows, in the order of `texts`.
        """
        texts = text_list(texts)
        keys = [text_sha256(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            found = self._lookup(sorted(set(keys)))
            missing: dict[str, str] = {}
            for key, text in zip(keys, texts, strict=True):
                if key not in found:
                    missing.setdefault(key, text)
            self.hits += len(texts) - sum(k not in found for k in keys)
            self.misses += len(missing)
        if missing:
            logger.info("embedding %d texts (%d cached)", len(missing), len(found))
            vectors = self._encoder.encode(
                list(missing.values()), batch_size=batch_size, show_progress=show_progress
            )
            fresh = dict(zip(missing, vectors, strict=True))
            with self._lock:
                self._store(fresh)
            found.update(fresh)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out

    def close(self) -> None:
        """Close the cache file; the object must not be used afterwards."""
        with self._lock:
            self._conn.close()

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[start : start + _LOOKUP_BATCH]
            marks = ", ".join("?" * len(batch))
            rows = self._conn.execute(
                f"SELECT sha256, dim, vector FROM vectors WHERE fingerprint = ? "
                f"AND sha256 IN ({marks})",
                (self.fingerprint, *batch),
            )
            for key, dim, blob in rows:
                # A row of another width can only come from a corrupt file: re-embed it.
                if dim == self.dim and len(blob) == 4 * dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        rows = (
            (self.fingerprint, key, self.dim, np.asarray(vec, dtype=np.float32).tobytes())
            for key, vec in vectors.items()
        )
        try:
            with self._conn:
                self._conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            # A cache that cannot be written only costs speed next time; never fail the ingest.
            logger.warning("could not write the vector cache %s: %s", self.path, exc)
