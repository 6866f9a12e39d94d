"""Embeddings for concept extraction: node gists and candidate phrases, each computed once.

A node's gist is its question followed by as many whole answer sentences as fit in the
model's window, so nothing is cut mid-sentence by the model and no warning is raised;
the opening of an answer is where it says what it is about, which is what the keyphrase
scoring needs (KeyBERT compares phrases with the document the same way).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

from qagraph.encoders import Encoder
from qagraph.ingest.concepts.text import split_text
from qagraph.kb.records import QANode

logger = logging.getLogger(__name__)

# Room left under max_tokens: special tokens and the joins between sentences.
_MARGIN = 8
# Short phrases: on a 2-core CPU passes of 16-32 short texts run fastest (370 texts/s
# against 260 in passes of 128: larger ones stop fitting the caches).
PHRASE_BATCH = 32
# A gist needs the question and the opening of the answer, where it says what it is about;
# a shorter window costs proportionally less to embed.
GIST_TOKENS = 64
GIST_BATCH = 16


def node_gist(node: QANode, encoder: Encoder) -> str:
    """The question and the opening answer sentences, within `GIST_TOKENS` word pieces."""
    budget = min(GIST_TOKENS, encoder.max_tokens - _MARGIN)
    parts = [node.question]
    used = encoder.count_tokens(node.question)
    for sentence in split_text(node.answer):
        cost = encoder.count_tokens(sentence)
        if used + cost > budget:
            break
        parts.append(sentence)
        used += cost
    if used > budget:
        # A question longer than the window: keep its words up to the budget.
        words = node.question.split()
        while words and encoder.count_tokens(" ".join(words)) > budget:
            words = words[: max(1, len(words) * 3 // 4)]
        parts = [" ".join(words)]
    return " ".join(parts)


class PhraseVectors:
    """Unit vectors of short texts, encoded in batches and cached by text.

    Args:
        encoder: The model.
    """

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def add(self, texts: Iterable[str]) -> None:
        """Encode the texts not seen yet, in one call."""
        todo = sorted({t for t in texts if t not in self._cache})
        if not todo:
            return
        vectors = self._encoder.encode(todo, batch_size=PHRASE_BATCH)
        for text, vector in zip(todo, vectors, strict=True):
            self._cache[text] = vector
        logger.debug("encoded %d phrases (%d cached)", len(todo), len(self._cache))

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Rows for `texts` (encoding those not seen yet)."""
        self.add(texts)
        if not texts:
            return np.zeros((0, self._encoder.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def __getitem__(self, text: str) -> np.ndarray:
        self.add([text])
        return self._cache[text]


def embed_nodes(nodes: Sequence[QANode], encoder: Encoder) -> np.ndarray:
    """Unit vectors of the nodes' gists, one row per node."""
    if not nodes:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return encoder.encode([node_gist(n, encoder) for n in nodes], batch_size=GIST_BATCH)
