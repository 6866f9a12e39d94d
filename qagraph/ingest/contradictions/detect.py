"""Find where answers contradict one another: candidates, alignment, detectors, scores.

The defaults are tuned for all-MiniLM-L6-v2 and for precision: a flag a reader finds silly
costs more trust than a disagreement left unflagged.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.align import VectorBank, align_claims
from qagraph.ingest.contradictions.blocking import ClaimRef, blocked_pairs
from qagraph.ingest.contradictions.candidates import Candidate, find_candidates
from qagraph.ingest.contradictions.claims import answer_segments, split_claims
from qagraph.ingest.contradictions.divergence import DivergenceThresholds, Topics, divergent
from qagraph.ingest.contradictions.lexicon import Lexicon, load_lexicon
from qagraph.ingest.contradictions.numbers import numeric
from qagraph.ingest.contradictions.opposition import oppose
from qagraph.ingest.contradictions.propositions import (
    ConceptNames,
    Proposition,
    read_proposition,
)
from qagraph.ingest.contradictions.rules import Finding, antonym, features, negation, quantifier
from qagraph.ingest.contradictions.words import normalize_text
from qagraph.kb.records import Concept, Contradiction, Edge, QANode

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
        max_same_per_node: Most same-question partners per node, its closest: all of them
            in any real corpus, a bound for a question repeated hundreds of times.
        align_sim: Least cosine for two claims to be aligned.
        align_overlap: Least content-word Jaccard for two claims to be aligned.
        rule_sim: Least cosine of two aligned claims for a cue to count.
        rule_overlap: Least content-word Jaccard of two claims for a cue to count.
        divergence: Limits of the divergent-answer test.
        divergence_same_sim: Question cosine from which two questions of one source count
            as the same for the topic test of divergence.
        divergence_alike_sim: Question cosine from which two sources' questions sharing a
            salient word are compared by the topic test of divergence alone.
        min_score: Flags scoring lower are dropped.
        nli_model: CrossEncoder NLI model (name in the local cache, or directory) that must
            confirm each flag; None to rely on the rules alone.
        nli_threshold: Least contradiction probability for the NLI model to confirm.
        nli_device: Torch device of the NLI model.
        cross_questions: Also compare claims of answers to different questions that
            qualify the same concept (`blocking`, `opposition`).
        cross_sim: Least cosine of two such claims when they disagree on an amount
            ("reduces overfitting" / "leads to overfitting").
        cross_pole_sim: Least cosine when they put one concept on two poles of a lexicon
            axis ("PCA: feature selection" / "PCA: feature extraction").
        max_block_share: A concept in more than this share of the nodes blocks no pair.
        max_block: Most claims compared per concept block.
        lexicon_paths: User lexicon files extending the built-in one (`lexicon`).
        builtin_lexicon: Start from the built-in lexicon.
        lexicon_texts: (path, content) of lexicon files already read.
    """

    enabled: bool = True
    question_sim: float = 0.7
    related_sim: float = 0.5
    same_question_sim: float = 0.85
    answer_sim: float = 0.3
    related_answer_sim: float = 0.2
    answer_question_sim: float = 0.3
    max_per_node: int = 8
    max_same_per_node: int = 24
    align_sim: float = 0.55
    align_overlap: float = 0.2
    rule_sim: float = 0.7
    rule_overlap: float = 0.4
    divergence: DivergenceThresholds = field(default_factory=DivergenceThresholds)
    min_score: float = 0.5
    nli_model: str | None = None
    nli_threshold: float = 0.5
    nli_device: str = "cpu"
    divergence_same_sim: float = 0.9
    divergence_alike_sim: float = 0.55
    cross_questions: bool = True
    cross_sim: float = 0.6
    cross_pole_sim: float = 0.3
    max_block_share: float = 0.1
    max_block: int = 60
    lexicon_paths: tuple[str, ...] = ()
    builtin_lexicon: bool = True
    lexicon_texts: tuple[tuple[str, str], ...] = ()

    def lexicon(self) -> Lexicon:
        """The lexicon these settings name (raises `LexiconError` for a bad file)."""
        return load_lexicon(
            self.lexicon_paths, builtin=self.builtin_lexicon, texts=dict(self.lexicon_texts)
        )

    def __post_init__(self) -> None:
        if self.max_per_node < 1:
            raise ValueError(f"max_per_node must be at least 1, not {self.max_per_node}")
        if self.max_same_per_node < 1:
            raise ValueError(f"max_same_per_node must be at least 1, not {self.max_same_per_node}")
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


def _divergence_pair(
    cand: Candidate, nodes: dict[str, QANode], config: ContradictionConfig
) -> bool:
    """Whether two nodes ask one question closely enough for the divergence test: the
    same question, or two sources' questions alike and sharing a salient word."""
    if cand.same_question:
        return True
    return (
        nodes[cand.a].source != nodes[cand.b].source
        and cand.question_sim >= config.divergence_alike_sim
        and cand.reason != "answers"
    )


def _compare(
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
    if best is None and _divergence_pair(cand, nodes, config):
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


@runtime_checkable
class _WithConcepts(Protocol):
    """A knowledge graph as ingest builds it: nodes with their concepts."""

    @property
    def nodes(self) -> Sequence[QANode]: ...

    @property
    def concepts(self) -> Sequence[Concept]: ...


def concept_names(
    nodes: Sequence[QANode], edges: Sequence[Edge], concepts: Sequence[Concept] | None
) -> ConceptNames:
    """The concepts claims are read with: the graph's, with their aliases; without them,
    the names the nodes and `mentions` edges give, with the built-in glossary's aliases."""
    if concepts:
        return ConceptNames((c.name, c.aliases) for c in concepts)
    names = {name for n in nodes for name in n.concepts}
    names |= {e.dst.removeprefix("concept:") for e in edges if e.kind == "mentions"}
    aliases: dict[str, tuple[str, ...]] = {}
    try:
        from qagraph.ingest.concepts import load_glossary

        for entry in load_glossary().entries():
            if entry.name in names:
                aliases[entry.name] = entry.aliases
    except Exception as exc:  # the glossary only adds aliases; never fail detection on it
        logger.debug("no glossary aliases: %s", exc)
    return ConceptNames((name, aliases.get(name, ())) for name in sorted(names))


def _narrower(concepts: Iterable[Concept]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for concept in concepts:
        for broader in concept.broader:
            out.setdefault(broader, set()).add(concept.name)
    return out


def _generic(nodes: Sequence[QANode], config: ContradictionConfig) -> frozenset[str]:
    """Concepts too many nodes mention to say what one question is about."""
    counts = Counter(name for n in nodes for name in set(n.concepts))
    limit = max(20, int(config.max_block_share * len(nodes)))
    return frozenset(name for name, count in counts.items() if count > limit)


def _claim_refs(nodes: Iterable[QANode], names: ConceptNames, lexicon: Lexicon) -> list[ClaimRef]:
    refs = []
    for node in nodes:
        for claim in split_claims(node.answer):
            prop = read_proposition(claim.text, claim.lead, claim.kind, names, lexicon)
            refs.append(ClaimRef(node.id, claim, prop))
    return refs


def _evidence(ref: ClaimRef) -> str:
    """The claim as evidence; an item with the sentence leading into its list."""
    if ref.claim.lead:
        return f"{ref.claim.lead} {ref.claim.text}"
    return ref.claim.text


def _cross_question(
    refs: Sequence[ClaimRef],
    names: frozenset[str],
    bank: VectorBank,
    n_nodes: int,
    config: ContradictionConfig,
) -> list[Contradiction]:
    """Contradictions between claims that qualify one concept, whatever the questions."""
    pairs = blocked_pairs(
        refs,
        names,
        n_nodes=n_nodes,
        max_share=config.max_block_share,
        max_block=config.max_block,
    )
    bank.extend(_evidence(r) for p in pairs for r in (p.a, p.b))
    out = []
    for pair in pairs:
        found = oppose(pair.a.prop, pair.b.prop)
        if found is None:
            continue
        sim = float(bank.vector(_evidence(pair.a)) @ bank.vector(_evidence(pair.b)))
        axis, target = found.key
        on_concept = target in names and target in pair.a.prop.concepts + pair.b.prop.concepts
        least = config.cross_pole_sim if axis != "amount" and on_concept else config.cross_sim
        if sim < least:
            continue
        if not _same_topic(pair.a.prop, pair.b.prop, target, names):
            continue
        same_subject = pair.a.prop.subject and pair.a.prop.subject == pair.b.prop.subject
        if axis == "amount" and not (same_subject or found.agreeing):
            # "More complexity increases variance" / "more data decreases it": two causes.
            continue
        score = found.finding.strength * (0.6 + 0.4 * sim)
        logger.debug(
            "cross-question %s (%.2f): %s | %s",
            found.finding,
            sim,
            pair.a.claim.text,
            pair.b.claim.text,
        )
        out.append(
            Contradiction(
                pair.a.node,
                pair.b.node,
                found.finding.kind,
                _evidence(pair.a),
                _evidence(pair.b),
                round(score, 4),
            )
        )
    return out


def _same_topic(a: Proposition, b: Proposition, target: str, names: frozenset[str]) -> bool:
    """The two claims are about one thing: the key's target is a concept both name, or
    they share their subject."""
    if target in names and target in a.concepts and target in b.concepts:
        return True
    return bool(a.subject) and a.subject == b.subject and a.subject in names


def detect_contradictions(
    nodes: Sequence[QANode] | _WithConcepts,
    edges: Sequence[Edge],
    encoder: Encoder,
    config: ContradictionConfig | None = None,
    *,
    concepts: Sequence[Concept] | None = None,
) -> list[Contradiction]:
    """Pairs of nodes whose answers contradict one another, with evidence.

    Args:
        nodes: All nodes (unanswered ones are skipped), or the knowledge graph ingest
            built (`qagraph.ingest.graph.GraphBuild`): its nodes and its concepts.
        edges: Graph edges; `same_question` and `mentions` edges widen the candidates.
        encoder: Embeds questions and claims.
        config: Thresholds, the lexicon and the optional NLI model.
        concepts: The knowledge graph's concepts (names and aliases) claims are read
            with; without them (and without a graph), the nodes' concept names.

    Returns:
        One contradiction per node pair, `a` before `b` in source order, sorted by score
        (highest first), then by the ids.
    """
    config = config or ContradictionConfig()
    if isinstance(nodes, _WithConcepts):
        concepts = concepts if concepts is not None else nodes.concepts
        nodes = nodes.nodes
    ordered = sorted(
        (n for n in nodes if n.answered and n.answer.strip()),
        key=lambda n: (n.source, n.line_start, n.id),
    )
    if len(ordered) < 2:
        return []
    by_id = {n.id: n for n in ordered}
    position = {n.id: i for i, n in enumerate(ordered)}
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
        max_same_per_node=config.max_same_per_node,
    )
    involved = {i for c in candidates for i in (c.a, c.b)}
    # Whole answers are embedded only where the divergence test may need them.
    same = {i for c in candidates if _divergence_pair(c, by_id, config) for i in (c.a, c.b)}
    texts: set[str] = set()
    for node_id in sorted(involved):
        texts.update(c.text for c in split_claims(by_id[node_id].answer))
        if node_id in same:
            texts.update(answer_segments(by_id[node_id].answer))
    bank.extend(texts)
    names = concept_names(ordered, edges, concepts)
    topics = Topics(
        ordered,
        names,
        _narrower(concepts or ()),
        _generic(ordered, config),
        bank.matrix([n.question for n in ordered]),
    )
    found = [
        c for cand in candidates if (c := _compare(cand, by_id, bank, config, topics)) is not None
    ]
    if config.cross_questions:
        lexicon = config.lexicon()
        refs = _claim_refs(ordered, names, lexicon)
        concept_set = frozenset(names.names)
        found += _cross_question(refs, concept_set, bank, len(ordered), config)
    found = _best_per_pair(found, position, config)
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


def _best_per_pair(
    found: Iterable[Contradiction], position: dict[str, int], config: ContradictionConfig
) -> list[Contradiction]:
    """One flag per node pair, the highest scoring, `a` first in source order."""
    best: dict[frozenset[str], Contradiction] = {}
    for c in found:
        if c.score < config.min_score:
            continue
        if position[c.a] > position[c.b]:
            c = replace(c, a=c.b, b=c.a, evidence_a=c.evidence_b, evidence_b=c.evidence_a)
        key = frozenset((c.a, c.b))
        if key not in best or c.score > best[key].score:
            best[key] = c
    return list(best.values())


def contradiction_edges(contradictions: Sequence[Contradiction]) -> list[Edge]:
    """`contradicts` edges (a to b, weight = score, data = the contradiction's JSON)."""
    return [
        Edge(c.a, c.b, "contradicts", float(c.score), json.dumps(c.to_json(), ensure_ascii=False))
        for c in contradictions
    ]
