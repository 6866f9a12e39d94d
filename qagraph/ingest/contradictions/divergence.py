"""Divergent answers: two answers to one question that share almost nothing.

Two answers that share few words are usually just two angles on the question, so the
test is strict. Both answers must be substantive (a pointer to "my article" or a video is
no answer, and so no disagreement); the two must be far apart in embedding space and in
words; and one must be far from the question while the other is close to it, which is
what an answer to a different question looks like.

With the knowledge graph (`topics.Topics`), an answer that names none of its question's
topics is the telling sign: not the question's concepts nor any narrower one (a table of
sigmoid, ReLU and softmax answers "types of activation functions"), and few of its rarer
words. Such an answer, next to one that covers its question and that fits the off-topic
answer's own question better than that answer does, is divergent even when the two
answers share a theme (two recommender designs, one about podcast search).
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

import numpy as np

from qagraph.ingest.contradictions.align import VectorBank
from qagraph.ingest.contradictions.claims import answer_segments, split_claims
from qagraph.ingest.contradictions.rules import Finding
from qagraph.ingest.contradictions.topics import Topics, answer_texts
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
        max_coverage: Highest topic coverage (`Topics.coverage`) of an off-topic answer.
        min_coverage_gap: Least coverage gap between the two answers.
        max_topic_answer_sim: Highest cosine of the two answers in the topic test.
        max_topic_word_overlap: Highest Jaccard of their content words in the topic test.
        max_topic_relevance: Highest cosine of the off-topic answer and its question there.
        min_cross_gain: How much better the other answer must fit the off-topic answer's
            question than that answer itself.
        min_misfit: An off-topic answer that names some of its question's words must fit
            another question of the corpus this much better than its own.
    """

    min_content_words: int = 8
    max_answer_sim: float = 0.3
    max_word_overlap: float = 0.06
    max_relevance: float = 0.3
    min_relevance_gap: float = 0.2
    max_coverage: float = 0.4
    min_coverage_gap: float = 0.25
    max_topic_answer_sim: float = 0.55
    max_topic_word_overlap: float = 0.15
    max_topic_relevance: float = 0.4
    min_cross_gain: float = 0.05
    min_misfit: float = 0.25


class Divergence(NamedTuple):
    """A divergence finding with the sentence of each answer that shows it."""

    finding: Finding
    evidence_a: str
    evidence_b: str


def substantive(node: QANode, min_content_words: int) -> bool:
    """True when an answer says enough, and says it itself, to be compared."""
    text = " ".join(answer_segments(node.answer))
    return len(content_lemmas(text)) >= min_content_words and _DEFERRAL_RE.search(text) is None


def _words(node: QANode) -> frozenset[str]:
    return content_lemmas(" ".join(answer_texts(node)))


def _evidence(node: QANode, bank: VectorBank, question: np.ndarray, on_topic: bool) -> str:
    if not on_topic:
        # What an off-topic answer answers instead shows best in its segment farthest from
        # its own question (follow-up questions included: "How many podcasts are there?").
        segments = [t for t in answer_segments(node.answer) if len(content_lemmas(t)) >= 3]
        if segments:
            sims = bank.matrix(segments) @ question
            return segments[int(np.argmin(sims))]
    texts = [c.text for c in split_claims(node.answer)] or list(answer_segments(node.answer))
    if not on_topic:
        return texts[0]
    sims = bank.matrix(texts) @ question
    return texts[int(np.argmax(sims))]


def divergent(
    a: QANode,
    b: QANode,
    bank: VectorBank,
    thresholds: DivergenceThresholds,
    topics: Topics | None = None,
    *,
    topic_only: bool = False,
) -> Divergence | None:
    """Whether one of two answers to the same question answers a different one.

    Args:
        a: The first node.
        b: The second node (same question as `a`).
        bank: Vectors of both questions and of every segment of both answers.
        thresholds: The limits, see `DivergenceThresholds`.
        topics: Topic coverage from the knowledge graph; without it only the embedding
            test runs.
        topic_only: Run the topic test alone (two questions asked alike, not the same).

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
    qa, qb = bank.vector(a.question), bank.vector(b.question)
    rel_a, rel_b = float(qa @ va), float(qb @ vb)
    cover = (topics.coverage(a), topics.coverage(b)) if topics is not None else None
    off_a = rel_a < rel_b if cover is None else cover[0] < cover[1]
    misfit = associated = 0.0
    # Misfit and association cost most: each only where the topic test reads it.
    if topics is not None and cover is not None:
        low = min(cover)
        if 0.0 < low <= t.max_coverage:
            misfit = topics.misfit(a, va) if off_a else topics.misfit(b, vb)
        elif low == 0.0:
            associated = topics.associated(a if off_a else b)
    if cover is not None and _off_topic(
        cover,
        (rel_a, rel_b),
        (float(qa @ vb), float(qb @ va)),
        answer_sim,
        words,
        misfit,
        associated,
        t,
    ):
        low_cover, high_cover = sorted(cover)
        gain = float(qa @ vb) - rel_a if off_a else float(qb @ va) - rel_b
        strength = min(1.0, 0.6 + (high_cover - low_cover) * 0.2 + gain)
        cue = f"coverage {cover[0]:.2f}/{cover[1]:.2f}, answers {answer_sim:.2f}"
        return Divergence(
            Finding("divergent", strength, cue),
            _evidence(a, bank, qa, on_topic=not off_a),
            _evidence(b, bank, qb, on_topic=off_a),
        )
    if topic_only or answer_sim > t.max_answer_sim or words > t.max_word_overlap:
        return None
    low, high = min(rel_a, rel_b), max(rel_a, rel_b)
    if low > t.max_relevance or high - low < t.min_relevance_gap:
        return None
    if cover is not None and cover[0 if rel_a < rel_b else 1] >= 1.0:
        return None  # the far answer names its question's topic: another angle, not off-topic
    strength = min(1.0, 0.6 + (high - low) * 0.5 + (t.max_answer_sim - answer_sim) * 0.5)
    cue = f"relevance {rel_a:.2f}/{rel_b:.2f}, answers {answer_sim:.2f}"
    return Divergence(
        Finding("divergent", strength, cue),
        _evidence(a, bank, qa, on_topic=rel_a >= rel_b),
        _evidence(b, bank, qb, on_topic=rel_b > rel_a),
    )


def _off_topic(
    cover: tuple[float, float],
    relevance: tuple[float, float],
    cross: tuple[float, float],
    answer_sim: float,
    words: float,
    misfit: float,
    associated: float,
    t: DivergenceThresholds,
) -> bool:
    """The topic test: one answer covers its question, the other none of its own (or few
    of its words, while it fits another question better), and the covering answer fits
    the other's question better than that one's own answer."""
    off = 0 if cover[0] < cover[1] else 1
    if cover[off] > t.max_coverage or cover[1 - off] - cover[off] < t.min_coverage_gap:
        return False
    if cover[off] > 0.0 and misfit < t.min_misfit:
        return False
    if cover[off] == 0.0 and associated > t.max_coverage:
        return False  # no word of its question, but the corpus ties its words to them
    if answer_sim > t.max_topic_answer_sim or words > t.max_topic_word_overlap:
        return False
    if relevance[off] > t.max_topic_relevance:
        return False
    return cross[off] >= relevance[off] + t.min_cross_gain
