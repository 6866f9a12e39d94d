"""Find where answers contradict one another: candidates, alignment, detectors, scores.

The defaults are tuned for all-MiniLM-L6-v2 and for precision: a flag a reader finds silly
costs more trust than a disagreement left unflagged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.align import VectorBank, align_claims
from qagraph.ingest.contradictions.candidates import Candidate, find_candidates
from qagraph.ingest.contradictions.claims import answer_segments, split_claims
from qagraph.ingest.contradictions.divergence import DivergenceThresholds, divergent
from qagraph.ingest.contradictions.numbers import numeric
from qagraph.ingest.contradictions.rules import Finding, antonym, features, negation, quantifier
from qagraph.ingest.contradictions.words import normalize_text
from qagraph.kb.records import Contradiction, Edge, QANode

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ContradictionConfig:
    """Settings of contradiction detection.

    Attributes:
        enabled: Run detection during ingest.
        question_sim: Question cosine from which two nodes are compared.
        related_sim: Lower question cosine that suffices with a shared salient word.
        same_question_sim: Question cosine from which two questions are the same question.
        answer_sim: Answer TF-IDF cosine from which two nodes are compared.
        related_answer_sim: Lower answer TF-IDF cosine that suffices with a question cosine
            of at least `answer_question_sim`.
        answer_question_sim: See `related_answer_sim`.
        max_per_node: Most candidate partners per node.
        align_sim: Least cosine for two claims to be aligned.
        align_overlap: Least content-word Jaccard for two claims to be aligned.
        rule_sim: Least cosine of two aligned claims for a cue to count.
        rule_overlap: Least content-word Jaccard of two claims for a cue to count.
        divergence: Limits of the divergent-answer test.
        min_score: Flags scoring lower are dropped.
        nli_model: CrossEncoder NLI model (name in the local cache, or directory) that must
            confirm each flag; None to rely on the rules alone.
        nli_threshold: Least contradiction probability for the NLI model to confirm.
        nli_device: Torch device of the NLI model.
    """

    enabled: bool = True
    question_sim: float = 0.7
    related_sim: float = 0.5
    same_question_sim: float = 0.85
    answer_sim: float = 0.3
    related_answer_sim: float = 0.2
    answer_question_sim: float = 0.3
    max_per_node: int = 8
    align_sim: float = 0.55
    align_overlap: float = 0.2
    rule_sim: float = 0.7
    rule_overlap: float = 0.4
    divergence: DivergenceThresholds = field(default_factory=DivergenceThresholds)
    min_score: float = 0.5
    nli_model: str | None = None
    nli_threshold: float = 0.5
    nli_device: str = "cpu"

    def __post_init__(self) -> None:
        if self.max_per_node < 1:
            raise ValueError(f"max_per_node must be at least 1, not {self.max_per_node}")
        if not 0.0 <= self.min_score <= 1.0:
            raise ValueError(f"min_score must be in [0, 1], not {self.min_score}")
        if self.nli_model is not None and not self.nli_model.strip():
            raise ValueError("nli_model is empty: give a model name or directory, or None")


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


def _compare(
    cand: Candidate, nodes: dict[str, QANode], bank: VectorBank, config: ContradictionConfig
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
    if best is None and cand.same_question:
        div = divergent(a, b, bank, config.divergence)
        if div is not None:
            score = div.finding.strength * (0.5 + 0.5 * cand.question_sim)
            best = Contradiction(
                a.id, b.id, "divergent", div.evidence_a, div.evidence_b, round(score, 4)
            )
    if best is not None and best.score < config.min_score:
        return None
    return best


def _confirm(found: list[Contradiction], config: ContradictionConfig) -> list[Contradiction]:
    """Keep the flags the NLI model also reads as contradictions (divergent ones pass)."""
    from qagraph.ingest.contradictions.nli import load_nli

    checker = load_nli(str(config.nli_model), device=config.nli_device)
    claims = [c for c in found if c.kind != "divergent"]
    probs = checker.contradiction([(c.evidence_a, c.evidence_b) for c in claims])
    confirmed = {id(c): float(p) for c, p in zip(claims, probs, strict=True)}
    out = []
    for c in found:
        if c.kind == "divergent":
            out.append(c)
            continue
        p = confirmed[id(c)]
        if p >= config.nli_threshold:
            out.append(replace(c, score=round((c.score + p) / 2, 4)))
        else:
            logger.info("NLI rejects %s/%s (%s, p=%.2f)", c.a, c.b, c.kind, p)
    return out


def detect_contradictions(
    nodes: Sequence[QANode],
    edges: Sequence[Edge],
    encoder: Encoder,
    config: ContradictionConfig | None = None,
) -> list[Contradiction]:
    """Pairs of nodes whose answers contradict one another, with evidence.

    Args:
        nodes: All nodes; unanswered ones are skipped.
        edges: Graph edges; `same_question` and `mentions` edges widen the candidates.
        encoder: Embeds questions and claims.
        config: Thresholds and the optional NLI model.

    Returns:
        One contradiction per node pair, `a` before `b` in source order, sorted by score
        (highest first), then by the ids.
    """
    config = config or ContradictionConfig()
    ordered = sorted(
        (n for n in nodes if n.answered and n.answer.strip()),
        key=lambda n: (n.source, n.line_start, n.id),
    )
    if len(ordered) < 2:
        return []
    by_id = {n.id: n for n in ordered}
    bank = VectorBank(encoder, (n.question for n in ordered))
    candidates = find_candidates(
        ordered,
        bank.matrix([n.question for n in ordered]),
        edges,
        question_sim=config.question_sim,
        related_sim=config.related_sim,
        same_question_sim=config.same_question_sim,
        answer_sim=config.answer_sim,
        related_answer_sim=config.related_answer_sim,
        answer_question_sim=config.answer_question_sim,
        max_per_node=config.max_per_node,
    )
    involved = {i for c in candidates for i in (c.a, c.b)}
    # Whole answers are embedded only where the divergence test may need them.
    same = {i for c in candidates if c.same_question for i in (c.a, c.b)}
    texts: set[str] = set()
    for node_id in sorted(involved):
        texts.update(c.text for c in split_claims(by_id[node_id].answer))
        if node_id in same:
            texts.update(answer_segments(by_id[node_id].answer))
    bank.extend(texts)
    found = [c for cand in candidates if (c := _compare(cand, by_id, bank, config)) is not None]
    if config.nli_model and found:
        found = _confirm(found, config)
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    logger.info(
        "contradictions: %d flags from %d candidate pairs (%d texts embedded)",
        len(found),
        len(candidates),
        len(bank),
    )
    return found


def contradiction_edges(contradictions: Sequence[Contradiction]) -> list[Edge]:
    """`contradicts` edges (a to b, weight = score, data = the contradiction's JSON)."""
    return [
        Edge(c.a, c.b, "contradicts", float(c.score), json.dumps(c.to_json(), ensure_ascii=False))
        for c in contradictions
    ]
