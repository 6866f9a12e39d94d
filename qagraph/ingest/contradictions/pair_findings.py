"""What a candidate pair of nodes contradicts on: aligned claims, else divergent answers."""

from __future__ import annotations

from qagraph.ingest.contradictions.align import VectorBank, align_claims
from qagraph.ingest.contradictions.candidates import Candidate
from qagraph.ingest.contradictions.claims import split_claims
from qagraph.ingest.contradictions.config import ContradictionConfig
from qagraph.ingest.contradictions.divergence import divergent
from qagraph.ingest.contradictions.numbers import numeric
from qagraph.ingest.contradictions.rules import Finding, antonym, features, negation, quantifier
from qagraph.ingest.contradictions.topics import Topics
from qagraph.ingest.contradictions.words import normalize_text
from qagraph.kb.records import Contradiction, QANode


def claim_finding(
    text_a: str, text_b: str, similarity: float, config: ContradictionConfig | None = None
) -> Finding | None:
    """The first detector that finds two aligned claims contradicting, or None.

    Quantifier flips are tried before negations ("not always" is a quantifier), then
    polar words, then numbers.

    Args:
        text_a: A claim of one answer.
        text_b: A claim of the other answer.
        similarity: Embedding cosine of the two claims.
        config: The thresholds (`rule_sim`, `rule_overlap`).
    """
    config = config or ContradictionConfig()
    if similarity < config.rule_sim or normalize_text(text_a) == normalize_text(text_b):
        return None
    fa, fb = features(text_a), features(text_b)
    return (
        quantifier(fa, fb, config.rule_overlap)
        or negation(fa, fb, config.rule_overlap)
        or antonym(fa, fb, config.rule_overlap)
        or numeric(text_a, text_b, fa, fb, config.rule_overlap)
    )


def divergence_pair(cand: Candidate, nodes: dict[str, QANode], config: ContradictionConfig) -> bool:
    """Whether two nodes ask one question closely enough for the divergence test: the
    same question, or two sources' questions alike and sharing a salient word."""
    if cand.same_question:
        return True
    return (
        nodes[cand.a].source != nodes[cand.b].source
        and cand.question_sim >= config.divergence_alike_sim
        and cand.reason != "answers"
    )


def compare_candidate(
    cand: Candidate,
    nodes: dict[str, QANode],
    bank: VectorBank,
    config: ContradictionConfig,
    topics: Topics | None = None,
) -> Contradiction | None:
    a, b = nodes[cand.a], nodes[cand.b]
    best: Contradiction | None = None
    for al in align_claims(
        split_claims(a.answer),
        split_claims(b.answer),
        bank,
        min_similarity=config.align_sim,
        min_overlap=config.align_overlap,
    ):
        found = claim_finding(al.a.text, al.b.text, al.similarity, config)
        if found is None:
            continue
        score = found.strength * (0.5 + 0.25 * al.similarity + 0.25 * min(1.0, al.overlap / 0.8))
        if best is None or score > best.score:
            best = Contradiction(a.id, b.id, found.kind, al.a.text, al.b.text, round(score, 4))
    if best is None and divergence_pair(cand, nodes, config):
        # Two questions of one source near each other ("What are decision trees?", "How
        # do we train them?") are linked, not the same: only the embedding test there.
        same_text = cand.question_sim >= config.divergence_same_sim
        use_topics = topics if a.source != b.source or same_text else None
        div = divergent(
            a, b, bank, config.divergence, use_topics, topic_only=not cand.same_question
        )
        if div is not None:
            score = div.finding.strength * (0.5 + 0.5 * cand.question_sim)
            best = Contradiction(
                a.id, b.id, "divergent", div.evidence_a, div.evidence_b, round(score, 4)
            )
    if best is not None and best.score < config.min_score:
        return None
    return best
