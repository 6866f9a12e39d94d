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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qagraph.encoders.base import Encoder
from qagraph.ingest.contradictions.claims import Claim, answer_segments, split_claims
from qagraph.ingest.contradictions.detect import ContradictionConfig, claim_finding
from qagraph.ingest.contradictions.lexicon import Lexicon, default_lexicon
from qagraph.ingest.contradictions.opposition import oppose
from qagraph.ingest.contradictions.propositions import (
    ConceptNames,
    Proposition,
    read_proposition,
)
from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.records import Contradiction, QANode, normalize_question

logger = logging.getLogger(__name__)

STATUSES = ("conflict", "shared", "some", "unique")


@dataclass(frozen=True, slots=True)
class CompareConfig:
    """Thresholds of the side-by-side comparison.

    Attributes:
        same_sim: Least cosine for two claims of two sources to be the same claim.
        conflict_sim: Least cosine for two claims to be checked for a disagreement.
        max_nodes: Most answers compared (the chosen node and the nodes closest to it).
    """

    same_sim: float = 0.62
    conflict_sim: float = 0.5
    max_nodes: int = 8


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """One claim of one answer.

    Attributes:
        node: Id of its node.
        index: Position of the claim in its answer (-1 for evidence of a stored flag that
            is no claim of the answer).
        text: The claim as shown.
        proposition: The claim read as subject, predicate, polarity and qualifiers.
        lead: For a list item, the sentence leading into its list ("" otherwise).
    """

    node: str
    index: int
    text: str
    proposition: Proposition
    lead: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "index": self.index,
            "text": self.text,
            "lead": self.lead or None,
            "proposition": self.proposition.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Row:
    """A line of the comparison.

    Attributes:
        status: "shared", "some", "unique" or "conflict".
        claims: The claims of the row, one or more per source (two for a conflict).
        kind: For a conflict, its kind ("negation", "antonym", ...); "" otherwise.
        confidence: For a conflict, how sure the detector is; for an alignment, the
            lowest cosine that joined its claims (1 for a unique claim).
        cue: For a conflict, what sets the two claims apart.
    """

    status: str
    claims: tuple[ClaimRef, ...]
    kind: str = ""
    confidence: float = 1.0
    cue: str = ""

    @property
    def nodes(self) -> list[str]:
        return list(dict.fromkeys(c.node for c in self.claims))

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kind": self.kind or None,
            "confidence": round(float(self.confidence), 4),
            "cue": self.cue or None,
            "nodes": self.nodes,
            "claims": [c.to_json() for c in self.claims],
        }


@dataclass(slots=True)
class Comparison:
    """The comparison of a group of answers.

    Attributes:
        question: The question of the node the comparison was asked for.
        nodes: The answers compared, the asked one first.
        rows: Conflicts first, then shared, some and unique rows in answer order.
        unanswered: Nodes of the group without an answer to compare.
    """

    question: str
    nodes: list[QANode]
    rows: list[Row] = field(default_factory=list)
    unanswered: list[QANode] = field(default_factory=list)

    def by_status(self, status: str) -> list[Row]:
        return [r for r in self.rows if r.status == status]

    def status_of(self, node: str, index: int) -> str:
        """The strongest status of one claim ("conflict" before "shared" ...)."""
        found = {
            r.status for r in self.rows for c in r.claims if (c.node, c.index) == (node, index)
        }
        return next((s for s in STATUSES if s in found), "unique")

    def claims_of(self, node: str) -> list[ClaimRef]:
        seen: dict[int, ClaimRef] = {}
        for row in self.rows:
            for claim in row.claims:
                if claim.node == node:
                    seen.setdefault(claim.index, claim)
        return [seen[i] for i in sorted(seen) if i >= 0]

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_status(s)) for s in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "nodes": [n.to_json() for n in self.nodes],
            "unanswered": [n.id for n in self.unanswered],
            "counts": self.counts(),
            "rows": [r.to_json() for r in self.rows],
        }


def _claims(node: QANode) -> tuple[Claim, ...]:
    """The claims of an answer; for one made only of questions ("Recall: what proportion
    ...?"), its segments, so that it is still shown."""
    found = split_claims(node.answer)
    if found:
        return found
    return tuple(Claim(text, "sentence", i) for i, text in enumerate(answer_segments(node.answer)))


class _UnionFind:
    def __init__(self, items: Iterable[tuple[str, int]]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: tuple[str, int]) -> tuple[str, int]:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[str, int], b: tuple[str, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


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
    uf = _UnionFind(keys)
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
    uf: _UnionFind,
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


def _links(kb: KnowledgeBase) -> dict[str, set[str]]:
    """Node -> the nodes it asks the same question as: `same_question` edges, and nodes
    asking the very same question (a source may ask one twice)."""
    links: dict[str, set[str]] = {}
    for edge in kb.edges("same_question"):
        links.setdefault(edge.src, set()).add(edge.dst)
        links.setdefault(edge.dst, set()).add(edge.src)
    asked: dict[str, list[str]] = {}
    for node in kb.nodes():
        asked.setdefault(normalize_question(node.question), []).append(node.id)
    for ids in asked.values():
        for a in ids:
            for b in ids:
                if a != b:
                    links.setdefault(a, set()).add(b)
    return links


def answer_group(kb: KnowledgeBase, node_id: str, max_nodes: int = 8) -> list[QANode]:
    """The node and the nodes asking the same question (linked by `same_question` edges,
    directly or through others), the node first, then its direct links, then the rest in
    corpus order; at most `max_nodes`.

    Raises:
        KeyError: No node has this id.
    """
    first = kb.node(node_id)
    links = _links(kb)
    seen, frontier = {node_id}, [node_id]
    while frontier:
        nxt = []
        for current in frontier:
            for other in sorted(links.get(current, ())):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    order = {n.id: i for i, n in enumerate(kb.nodes())}
    direct = links.get(node_id, set())
    rest = sorted(seen - {node_id}, key=lambda i: (i not in direct, order.get(i, 0)))
    out = [first]
    for other in rest:
        try:
            out.append(kb.node(other))
        except KeyError:
            continue
    return out[:max_nodes]


def answer_groups(kb: KnowledgeBase) -> list[list[str]]:
    """Every group of nodes linked as the same question (two nodes or more), largest
    first, each in corpus order."""
    order = {n.id: i for i, n in enumerate(kb.nodes())}
    edges = [(a, b) for a, others in _links(kb).items() for b in others if a < b]
    uf = _UnionFind((n, 0) for pair in edges for n in pair)
    for src, dst in edges:
        uf.union((src, 0), (dst, 0))
    groups: dict[tuple[str, int], list[str]] = {}
    for key in uf.parent:
        groups.setdefault(uf.find(key), []).append(key[0])
    out = [sorted(g, key=lambda i: order.get(i, 0)) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda g: (-len(g), order.get(g[0], 0)))
