"""Claim alignment: which claim of one answer talks about what a claim of the other does.

Two claims are aligned when their embeddings are close *and* they share content words.
The embedding alone pairs claims that are merely on the same topic ("L1 is more robust",
"L2 is less robust" are close); the shared words keep the comparison to claims about the
same subject, which is what every detector needs before a cue can mean disagreement.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.claims import Claim
from qagraph.ingest.contradictions.words import content_lemmas, jaccard

logger = logging.getLogger(__name__)


class Alignment(NamedTuple):
    """Two claims about the same subject, one from each answer.

    Attributes:
        a: The claim of the first answer.
        b: The claim of the second answer.
        similarity: Cosine of their embeddings.
        overlap: Jaccard of their content words.
    """

    a: Claim
    b: Claim
    similarity: float
    overlap: float


class VectorBank:
    """Embeds each distinct text once and serves its unit vector.

    Args:
        encoder: The encoder to embed with.
        texts: Every text that will be asked for; embedded in one call.
    """

    def __init__(self, encoder: Encoder, texts: Iterable[str]) -> None:
        self._encoder = encoder
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, encoder.dim), np.float32)
        self.dim = encoder.dim
        self.extend(texts)

    def extend(self, texts: Iterable[str]) -> None:
        """Embed the texts not embedded yet, in one call."""
        new = sorted(set(texts) - self._rows.keys())
        if not new:
            return
        vectors = np.asarray(self._encoder.encode(new), dtype=np.float32)
        base = len(self._rows)
        self._rows.update((text, base + i) for i, text in enumerate(new))
        self._vectors = np.vstack([self._vectors, vectors])

    def __len__(self) -> int:
        return len(self._rows)

    def vector(self, text: str) -> np.ndarray:
        """The unit vector of a text given at construction."""
        return self._vectors[self._rows[text]]

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of several texts, one row each."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._vectors[[self._rows[t] for t in texts]]

    def mean(self, texts: Sequence[str]) -> np.ndarray | None:
        """The normalised mean vector of several texts (None for none)."""
        if not texts:
            return None
        mean = self.matrix(texts).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else None


def align_claims(
    claims_a: Sequence[Claim],
    claims_b: Sequence[Claim],
    bank: VectorBank,
    *,
    min_similarity: float,
    min_overlap: float,
    per_claim: int = 2,
) -> list[Alignment]:
    """Claim pairs about the same subject, best first.

    Args:
        claims_a: Claims of the first answer.
        claims_b: Claims of the second answer.
        bank: Vectors of every claim text.
        min_similarity: Least embedding cosine.
        min_overlap: Least content-word Jaccard.
        per_claim: Most partners kept for each claim of the first answer.

    Returns:
        Alignments sorted by similarity, then claim order.
    """
    if not claims_a or not claims_b:
        return []
    sims = bank.matrix([c.text for c in claims_a]) @ bank.matrix([c.text for c in claims_b]).T
    words_b = [content_lemmas(c.text) for c in claims_b]
    out = []
    for i, claim in enumerate(claims_a):
        words = content_lemmas(claim.text)
        kept = 0
        for j in np.argsort(-sims[i], kind="stable"):
            sim = float(sims[i, j])
            if sim < min_similarity or kept >= per_claim:
                break
            shared = jaccard(words, words_b[j])
            if shared >= min_overlap:
                out.append(Alignment(claim, claims_b[j], sim, shared))
                kept += 1
    out.sort(key=lambda al: (-al.similarity, al.a.index, al.b.index))
    return out
