"""Divergent answers: two answers to one question that share almost nothing.

Two answers that share few words are usually just two angles on the question, so the
test is strict. Both answers must be substantive (a pointer to "my article" or a video is
no answer, and so no disagreement); the two must be far apart in embedding space and in
words; and one must be far from the question while the other is close to it, which is
what an answer to a different question looks like.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

import numpy as np

from qagraph.ingest.contradictions.align import VectorBank
from qagraph.ingest.contradictions.claims import answer_segments, split_claims
from qagraph.ingest.contradictions.rules import Finding
from qagraph.ingest.contradictions.words import content_lemmas, jaccard
from qagraph.kb.records import QANode

logger = logging.getLogger(__name__)

# Answers that send the reader elsewhere instead of answering.
_DEFERRAL_RE = re.compile(
    r"\b(i (have|wrote) (an|a popular) article|check out|see (a|the) (step-by-step|full)|"
    r"video solution|same as the last question|on youtube|read more|click here|cheat ?sheet)\b",
    re.IGNORECASE,
)


class DivergenceThresholds(NamedTuple):
    """When two answers to one question count as answering different questions.

    Attributes:
        min_content_words: Least distinct content words for an answer to be substantive.
        max_answer_sim: Highest cosine between the two answers.
        max_word_overlap: Highest Jaccard of their content words.
        max_relevance: Highest cosine between the off-topic answer and its question.
        min_relevance_gap: Least gap between the two answers' cosines to their questions.
    """

    min_content_words: int = 8
    max_answer_sim: float = 0.3
    max_word_overlap: float = 0.06
    max_relevance: float = 0.3
    min_relevance_gap: float = 0.2


class Divergence(NamedTuple):
    """A divergence finding with the sentence of each answer that shows it."""

    finding: Finding
    evidence_a: str
    evidence_b: str


def substantive(node: QANode, min_content_words: int) -> bool:
    """True when an answer says enough, and says it itself, to be compared."""
    text = " ".join(answer_segments(node.answer))
    return len(content_lemmas(text)) >= min_content_words and _DEFERRAL_RE.search(text) is None


def answer_texts(node: QANode) -> tuple[str, ...]:
    """The texts an answer's vector is the mean of: its segments, questions included."""
    return answer_segments(node.answer)


def _words(node: QANode) -> frozenset[str]:
    return content_lemmas(" ".join(answer_texts(node)))


def _evidence(node: QANode, bank: VectorBank, question: np.ndarray, on_topic: bool) -> str:
    texts = [c.text for c in split_claims(node.answer)] or list(answer_segments(node.answer))
    if not on_topic:
        # The opening of an off-topic answer shows best what it answers instead.
        return texts[0]
    sims = bank.matrix(texts) @ question
    return texts[int(np.argmax(sims))]


def divergent(
    a: QANode, b: QANode, bank: VectorBank, thresholds: DivergenceThresholds
) -> Divergence | None:
    """Whether one of two answers to the same question answers a different one.

    Args:
        a: The first node.
        b: The second node (same question as `a`).
        bank: Vectors of both questions and of every segment of both answers.
        thresholds: The limits, see `DivergenceThresholds`.

    Returns:
        The finding and its evidence, or None.
    """
    t = thresholds
    if not (substantive(a, t.min_content_words) and substantive(b, t.min_content_words)):
        return None
    va, vb = bank.mean(answer_texts(a)), bank.mean(answer_texts(b))
    if va is None or vb is None:
        return None
    answer_sim = float(va @ vb)
    words = jaccard(_words(a), _words(b))
    if answer_sim > t.max_answer_sim or words > t.max_word_overlap:
        return None
    qa, qb = bank.vector(a.question), bank.vector(b.question)
    rel_a, rel_b = float(qa @ va), float(qb @ vb)
    low, high = min(rel_a, rel_b), max(rel_a, rel_b)
    if low > t.max_relevance or high - low < t.min_relevance_gap:
        return None
    strength = min(1.0, 0.6 + (high - low) * 0.5 + (t.max_answer_sim - answer_sim) * 0.5)
    cue = f"relevance {rel_a:.2f}/{rel_b:.2f}, answers {answer_sim:.2f}"
    return Divergence(
        Finding("divergent", strength, cue),
        _evidence(a, bank, qa, on_topic=rel_a >= rel_b),
        _evidence(b, bank, qb, on_topic=rel_b > rel_a),
    )
