"""The side-by-side comparison's records: `CompareConfig`, `ClaimRef`, `Row`, `Comparison`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qagraph.ingest.contradictions.propositions import Proposition
from qagraph.kb.records import QANode

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
