"""The registry of encoder backends: a model name picks the class that loads it.

A backend registers a loader under a model name (or as the default for every other
name). Backends import this module, never the other way round at import time, so the
base protocol stays free of its implementations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from qagraph.encoders.base import HASHING_MODEL, Encoder, EncoderConfig

logger = logging.getLogger(__name__)

Loader = Callable[[EncoderConfig], Encoder]


def _hashing(config: EncoderConfig) -> Encoder:
    from qagraph.encoders.hashing import HashingEncoder

    return HashingEncoder(batch_size=config.batch_size)


def _sentence(config: EncoderConfig) -> Encoder:
    # Imported here so that `import qagraph.encoders` never pulls in torch.
    from qagraph.encoders.sentence import load_sentence_encoder

    return load_sentence_encoder(config)


# Model names with a backend of their own; any other name is a sentence-transformers model.
BACKENDS: dict[str, Loader] = {HASHING_MODEL: _hashing}
DEFAULT_BACKEND: Loader = _sentence


def register_backend(model: str, loader: Loader) -> None:
    """Make `load_encoder` build encoders for `model` with `loader`."""
    if not model:
        raise ValueError("model name must not be empty")
    BACKENDS[model] = loader


def load_encoder(config: EncoderConfig | None = None) -> Encoder:
    """Builds the encoder a config asks for.

    The real model is loaded once per process for a given (model, device, sha256): later
    calls return an encoder sharing the same weights.

    Args:
        config: What to build; None means the packaged default on cpu.

    Returns:
        A `HashingEncoder` for model "hashing", otherwise a `SentenceEncoder`.

    Raises:
        EncoderError: The model is missing, fails its checksum or cannot be loaded.
    """
    config = config if config is not None else EncoderConfig()
    return BACKENDS.get(config.model, DEFAULT_BACKEND)(config)
