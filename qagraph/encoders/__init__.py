"""Text encoders: the packaged sentence-transformers model and a hashing fake for tests.

`SentenceEncoder` is imported lazily, on first access, so that `import qagraph.encoders`
stays free of torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qagraph.encoders.base import (
    DEFAULT_MODEL,
    DEFAULT_MODEL_SHA256,
    HASHING_MODEL,
    Encoder,
    EncoderConfig,
    EncoderError,
)
from qagraph.encoders.hashing import HashingEncoder
from qagraph.encoders.registry import load_encoder, register_backend

if TYPE_CHECKING:
    from qagraph.encoders.sentence import SentenceEncoder

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_MODEL_SHA256",
    "HASHING_MODEL",
    "Encoder",
    "EncoderConfig",
    "EncoderError",
    "HashingEncoder",
    "SentenceEncoder",
    "load_encoder",
    "register_backend",
]


def __getattr__(name: str) -> Any:
    if name == "SentenceEncoder":
        from qagraph.encoders.sentence import SentenceEncoder

        return SentenceEncoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
