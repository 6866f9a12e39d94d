"""Contradictions across questions: claims of any two answers that qualify one concept."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from qagraph.ingest.contradictions.align import VectorBank
from qagraph.ingest.contradictions.blocking import ClaimRef, blocked_pairs
from qagraph.ingest.contradictions.claims import split_claims
from qagraph.ingest.contradictions.config import ContradictionConfig
from qagraph.ingest.contradictions.lexicon import Lexicon
from qagraph.ingest.contradictions.opposition import oppose
from qagraph.ingest.contradictions.propositions import ConceptNames, Proposition
from qagraph.ingest.contradictions.reading import read_proposition
from qagraph.kb.records import Contradiction, QANode

logger = logging.getLogger(__name__)


def claim_refs(nodes: Iterable[QANode], names: ConceptNames, lexicon: Lexicon) -> list[ClaimRef]:
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


def cross_question(
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
