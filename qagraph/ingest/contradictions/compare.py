"""Answers side by side: what every source says, what one says alone, where they disagree.

For a group of nodes answering the same question (the knowledge graph's `same_question`
links), every answer is split into claims (`claims`), and claims are aligned across the
answers by MiniLM sentence similarity: two claims of two sources that are each other's
closest match, with a cosine of `CompareConfig.same_sim` or more, say the same thing, and
alignments chain across sources. Each aligned row is then

- `shared`: every source of the group makes the claim;
- `some`: several sources make it, not all;
- `unique`: one source alone makes it;

and, apart, `conflict` rows hold two claims of two sources that disagree: the claim
detectors of contradiction detection (negation, antonym, number, quantifier; `rules`,
`numbers`, `opposition`), plus the flags ingest stored between the group's nodes (which
also hold divergent answers). Every claim keeps the node it comes from, so each row is
cited.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.answer_groups import UnionFind
from qagraph.ingest.contradictions.claims import Claim, answer_segments, split_claims
from qagraph.ingest.contradictions.comparison import (
    STATUSES,
    ClaimRef,
    CompareConfig,
    Comparison,
    Row,
)
from qagraph.ingest.contradictions.config import ContradictionConfig
from qagraph.ingest.contradictions.lexicon import Lexicon, default_lexicon
from qagraph.ingest.contradictions.opposition import oppose
from qagraph.ingest.contradictions.pair_findings import claim_finding
from qagraph.ingest.contradictions.propositions import ConceptNames, Proposition
from qagraph.ingest.contradictions.reading import read_proposition
from qagraph.kb.records import Contradiction, QANode

logger = logging.getLogger(__name__)


def _claims(node: QANode) -> tuple[Claim, ...]:
    """The claims of an answer; for one made only of questions ("Recall: what proportion
    ...?"), its segments, so that it is still shown."""
    found = split_claims(node.answer)
    if found:
        return found
    return tuple(Claim(text, "sentence", i) for i, text in enumerate(answer_segments(node.answer)))


def compare_answers(
    nodes: Sequence[QANode],
    encoder: Encoder,
    *,
    flags: Iterable[Contradiction] = (),
    names: ConceptNames | None = None,
    lexicon: Lexicon | None = None,
    config: CompareConfig | None = None,
) -> Comparison:
    """Align the answers of `nodes` claim by claim.

    Args:
        nodes: The group, the node asked about first.
        encoder: Embeds the claims (the store's model).
        flags: Contradictions stored between nodes of the group (their evidence marks
            conflicts the claim detectors alone would not, such as divergent answers).
        names: Concepts to read the claims with (subjects, qualifiers' targets).
        lexicon: The contradiction lexicon (default: the built-in one).
        config: Thresholds.
    """
    config = config or CompareConfig()
    lexicon = lexicon or default_lexicon()
    names = names or ConceptNames()
    group = list(nodes)[: config.max_nodes]
    answered = [n for n in group if n.answered and _claims(n)]
    comparison = Comparison(
        question=group[0].question if group else "",
        nodes=answered,
        unanswered=[n for n in group if n not in answered],
    )
    claims: dict[str, list[ClaimRef]] = {}
    for node in answered:
        claims[node.id] = [
            ClaimRef(
                node.id,
                c.index,
                c.text,
                read_proposition(c.text, c.lead, c.kind, names, lexicon),
                c.lead,
            )
            for c in _claims(node)
        ]
    texts = sorted({c.text for cs in claims.values() for c in cs})
    if not texts:
        return comparison
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    row_of = {t: i for i, t in enumerate(texts)}
    matrix = {nid: vectors[[row_of[c.text] for c in cs]] for nid, cs in claims.items()}
    keys = [(c.node, c.index) for cs in claims.values() for c in cs]
    uf = UnionFind(keys)
    weakest: dict[tuple[str, int], float] = {}
    conflicts: list[Row] = []
    ids = [n.id for n in answered]
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            sims = matrix[a] @ matrix[b].T
            best_b = sims.argmax(axis=1)
            best_a = sims.argmax(axis=0)
            for i, j in enumerate(best_b):
                sim = float(sims[i, j])
                if sim >= config.same_sim and best_a[j] == i:
                    ka, kb = (a, claims[a][i].index), (b, claims[b][int(j)].index)
                    uf.union(ka, kb)
                    for k in (ka, kb):
                        weakest[k] = min(weakest.get(k, 1.0), sim)
            conflicts += _conflicts(claims[a], claims[b], sims, config)
    conflicts += _stored(flags, claims, {n.id: n for n in answered})
    conflicts = _dedupe(conflicts)
    in_conflict = {(c.node, c.index) for row in conflicts for c in row.claims}
    aligned = [
        row
        for row in _rows(claims, uf, weakest, len(answered))
        # A claim in conflict is shown there, not again as one answer's own claim.
        if row.status != "unique" or (row.claims[0].node, row.claims[0].index) not in in_conflict
    ]
    comparison.rows = aligned + conflicts
    order = {s: i for i, s in enumerate(STATUSES)}
    position = {(c.node, c.index): p for p, c in enumerate(c for cs in claims.values() for c in cs)}
    comparison.rows.sort(
        key=lambda r: (
            order[r.status],
            -r.confidence if r.status == "conflict" else 0,
            min(position.get((c.node, c.index), 0) for c in r.claims),
        )
    )
    return comparison


def _conflicts(
    a: list[ClaimRef], b: list[ClaimRef], sims: np.ndarray, config: CompareConfig
) -> list[Row]:
    """Rows for the claim pairs of two answers the claim detectors find disagreeing."""
    rules = ContradictionConfig()
    out = []
    for i, j in zip(*np.nonzero(sims >= config.conflict_sim), strict=True):
        ca, cb = a[int(i)], b[int(j)]
        sim = float(sims[i, j])
        found = claim_finding(ca.text, cb.text, sim, rules)
        if found is None:
            opposed = oppose(ca.proposition, cb.proposition)
            if opposed is None or not _same_topic(ca.proposition, cb.proposition, opposed.key):
                continue
            if opposed.key[0] == "amount" and sim < rules.cross_sim and not opposed.agreeing:
                continue
            found = opposed.finding
        confidence = found.strength * (0.6 + 0.4 * sim)
        out.append(Row("conflict", (ca, cb), found.kind, round(confidence, 4), found.cue))
    return out


def _same_topic(a: Proposition, b: Proposition, key: tuple[str, str]) -> bool:
    target = key[1]
    if target and target in a.concepts and target in b.concepts:
        return True
    return bool(a.subject) and a.subject == b.subject


def _stored(
    flags: Iterable[Contradiction], claims: dict[str, list[ClaimRef]], nodes: dict[str, QANode]
) -> list[Row]:
    """Rows for the stored flags between the group's nodes, on the claims they cite."""
    out = []
    for flag in flags:
        if flag.a not in nodes or flag.b not in nodes:
            continue
        sides = []
        for node, evidence in ((flag.a, flag.evidence_a), (flag.b, flag.evidence_b)):
            match = next(
                (c for c in claims.get(node, []) if evidence in (c.text, f"{c.lead} {c.text}")),
                None,
            )
            if match is None:
                match = next(
                    (c for c in claims.get(node, []) if evidence and evidence in c.text), None
                )
            if match is None:
                prop = read_proposition(evidence)
                match = ClaimRef(node, -1, evidence, prop)
            sides.append(match)
        out.append(Row("conflict", tuple(sides), flag.kind, float(flag.score), "flagged at ingest"))
    return out


def _dedupe(rows: list[Row]) -> list[Row]:
    """One conflict row per claim pair, the most confident."""
    best: dict[frozenset, Row] = {}
    for row in rows:
        key = frozenset((c.node, c.index, c.text) for c in row.claims)
        if key not in best or row.confidence > best[key].confidence:
            best[key] = row
    return list(best.values())


def _rows(
    claims: dict[str, list[ClaimRef]],
    uf: UnionFind,
    weakest: dict[tuple[str, int], float],
    n_sources: int,
) -> list[Row]:
    groups: dict[tuple[str, int], list[ClaimRef]] = {}
    for cs in claims.values():
        for claim in cs:
            groups.setdefault(uf.find((claim.node, claim.index)), []).append(claim)
    out = []
    for members in groups.values():
        sources = {c.node for c in members}
        if len(sources) == 1:
            status = "unique"
        elif len(sources) == n_sources:
            status = "shared"
        else:
            status = "some"
        confidence = min((weakest.get((c.node, c.index), 1.0) for c in members), default=1.0)
        out.append(Row(status, tuple(members), confidence=round(confidence, 4)))
    return out
