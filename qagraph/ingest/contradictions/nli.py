"""Optional confirmation of flagged pairs by a natural-language-inference cross-encoder.

When a sentence-transformers `CrossEncoder` NLI model is configured (a hub name already in
the local cache, or a directory), each rule-based flag must also be read as a
contradiction by the model: it scores both sentence orders and keeps the larger
contradiction probability. The label order is taken from the model's own `id2label`, since
NLI models disagree on it. Nothing is downloaded: qagraph runs offline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from qagraph.errors import QagraphError

logger = logging.getLogger(__name__)


class NliError(QagraphError):
    """The NLI model cannot be loaded or has no contradiction label."""


_CACHE: dict[tuple[str, str], NliChecker] = {}


class NliChecker:
    """Contradiction probabilities from a cross-encoder NLI model.

    Args:
        model: A sentence-transformers CrossEncoder name (in the local cache) or directory.
        device: Torch device.
        batch_size: Sentence pairs per forward pass.

    Raises:
        NliError: When the model cannot be loaded or none of its labels means contradiction.
    """

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 16) -> None:
        # Imported here so that the rule-based path never pays for torch at import.
        from sentence_transformers import CrossEncoder

        try:
            self._model: Any = CrossEncoder(model, device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise NliError(f"cannot load the NLI model {model!r}: {exc}") from exc
        self.name = model
        self.batch_size = batch_size
        self.label = contradiction_label(getattr(self._model.config, "id2label", None) or {})

    def contradiction(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probability that the two sentences of each pair contradict, in either order.

        Args:
            pairs: (sentence_a, sentence_b) pairs.

        Returns:
            float array, one probability per pair.
        """
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        both = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
        probs = self._model.predict(
            both, batch_size=self.batch_size, apply_softmax=True, show_progress_bar=False
        )
        probs = np.asarray(probs, dtype=np.float32).reshape(len(both), -1)[:, self.label]
        return np.maximum(probs[: len(pairs)], probs[len(pairs) :])


def contradiction_label(id2label: dict[Any, str]) -> int:
    """Index of the label that means contradiction in a model config's `id2label`.

    Raises:
        NliError: When no label name contains "contradict".
    """
    for key, name in id2label.items():
        if "contradict" in str(name).lower():
            return int(key)
    names = ", ".join(str(n) for n in id2label.values()) or "none"
    raise NliError(f"the NLI model has no contradiction label (labels: {names})")


def load_nli(model: str, device: str = "cpu") -> NliChecker:
    """The checker for a model, loaded once per process."""
    key = (model, device)
    if key not in _CACHE:
        logger.info("loading NLI model %s", model)
        _CACHE[key] = NliChecker(model, device=device)
    return _CACHE[key]
