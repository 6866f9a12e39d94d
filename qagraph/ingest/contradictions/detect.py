"""Find where answers contradict one another: candidates, alignment, detectors, scores."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.align import VectorBank
from qagraph.ingest.contradictions.candidates import find_candidates
from qagraph.ingest.contradictions.claims import answer_segments, split_claims
from qagraph.ingest.contradictions.config import ContradictionConfig
from qagraph.ingest.contradictions.cross_question import claim_refs, cross_question
from qagraph.ingest.contradictions.pair_findings import compare_candidate, divergence_pair
from qagraph.ingest.contradictions.propositions import ConceptNames
from qagraph.ingest.contradictions.topics import Topics
from qagraph.kb.records import Concept, Contradiction, Edge, QANode

logger = logging.getLogger(__name__)


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
    same = {i for c in candidates if divergence_pair(c, by_id, config) for i in (c.a, c.b)}
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
        c
        for cand in candidates
        if (c := compare_candidate(cand, by_id, bank, config, topics)) is not None
    ]
    if config.cross_questions:
        lexicon = config.lexicon()
        refs = claim_refs(ordered, names, lexicon)
        concept_set = frozenset(names.names)
        found += cross_question(refs, concept_set, bank, len(ordered), config)
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
