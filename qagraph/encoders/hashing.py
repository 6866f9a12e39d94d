"""A deterministic fake encoder for fast tests: feature hashing, no model, no randomness.

Texts that share words (or spellings close enough to share character trigrams) get a higher
cosine than unrelated texts, which is all the ranking logic under test needs. Hashes come
from blake2b rather than Python's `hash()`, which is salted per process.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
from collections.abc import Sequence

import numpy as np

from qagraph.encoders.base import text_list

logger = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[^\W_]+")
"""Tokens: runs of letters and digits of the lower-cased text (underscores split words)."""

_WORD_WEIGHT = 1.0
# Trigrams weigh less than whole words so that an exact shared word counts for more than a
# shared spelling fragment, as it does for a real model.
_TRIGRAM_WEIGHT = 0.5
# Bumped whenever the feature scheme changes, so vector caches keyed by fingerprint go stale.
_SCHEME_VERSION = 1


@functools.lru_cache(maxsize=65536)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    """Stable (bucket, sign) of a feature; the sign keeps collisions from only adding up."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "big")
    return value % dim, (1.0 if value >> 63 else -1.0)


def _features(word: str) -> list[tuple[str, float]]:
    """The unigram of a word and the character trigrams of the word padded with < and >."""
    padded = f"<{word}>"
    grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
    return [("w:" + word, _WORD_WEIGHT)] + [("c:" + g, _TRIGRAM_WEIGHT) for g in grams]


class HashingEncoder:
    """Feature-hashing encoder that satisfies the `Encoder` protocol.

    Like the real model it reads at most `max_tokens` tokens (two of them being the special
    tokens a transformer adds), so tests of long-answer splitting behave the same with it.

    Args:
        dim: Number of hash buckets, the vector length.
        max_tokens: Tokens read per text, special tokens included.
        batch_size: Accepted for interface parity; hashing has no batches.

    Raises:
        ValueError: dim < 1 or max_tokens < 3.
    """

    name = "hashing"

    def __init__(self, dim: int = 256, max_tokens: int = 256, batch_size: int = 32) -> None:
        if dim < 1:
            raise ValueError(f"dim must be at least 1, not {dim}")
        if max_tokens < 3:
            raise ValueError(f"max_tokens must leave room for one token, not {max_tokens}")
        self.dim = dim
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.fingerprint = f"hashing-v{_SCHEME_VERSION}:dim={dim}:max_tokens={max_tokens}"

    def __repr__(self) -> str:
        return f"HashingEncoder(dim={self.dim}, max_tokens={self.max_tokens})"

    @staticmethod
    def tokenize(text: str) -> list[str]:
        """The regex tokens of `text`, lower-cased."""
        return TOKEN_RE.findall(text.lower())

    def count_tokens(self, text: str) -> int:
        """Regex tokens plus the two special tokens a transformer would add."""
        return len(self.tokenize(text)) + 2

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embeds texts by hashing their word and trigram features.

        Args:
            texts: The texts; a bare `str` is rejected.
            batch_size: Ignored.
            show_progress: Ignored.

        Returns:
            float32 array (len(texts), dim) with unit rows.

        Raises:
            TypeError: `texts` is a string or holds a non-string.
        """
        texts = text_list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        keep = self.max_tokens - 2
        truncated = 0
        for row, text in enumerate(texts):
            tokens = self.tokenize(text)
            if len(tokens) > keep:
                truncated += 1
                tokens = tokens[:keep]
            # An empty text still gets a unit vector, as the real model's [CLS][SEP] does.
            features = [f for t in tokens for f in _features(t)] or [("empty", 1.0)]
            vec = out[row]
            for feature, weight in features:
                bucket, sign = _bucket(feature, self.dim)
                vec[bucket] += sign * weight
            norm = math.sqrt(float(np.dot(vec, vec)))
            if norm == 0.0:
                # Every feature cancelled out in shared buckets; fall back to a fixed unit
                # vector so rows stay normalised.
                vec[_bucket("empty", self.dim)[0]] = 1.0
            else:
                vec /= norm
        if truncated:
            logger.warning(
                "%d of %d texts exceed %d tokens and were truncated; split them first",
                truncated,
                len(texts),
                self.max_tokens,
            )
        return out
