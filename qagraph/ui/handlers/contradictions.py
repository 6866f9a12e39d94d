"""Contradictions: every `contradicts` edge of the store, and both nodes of one in full."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from qagraph.kb import KnowledgeBase, QANode
from qagraph.kb.contradictions import contradictions as stored_contradictions
from qagraph.ui import render
from qagraph.ui.state import Snapshot

logger = logging.getLogger(__name__)

HEADERS = ["#", "kind", "confidence", "source A", "evidence A", "source B", "evidence B"]
NONE_FLAGGED = (
    "No contradictions are flagged in this knowledge base. Flags come from the ingest's "
    "contradiction detection, which compares answers to the same or related questions."
)


@dataclass(frozen=True)
class Flag:
    """One contradiction between two answers.

    Attributes:
        number: 1-based position in the list (strongest first).
        a: First node (None when the store no longer holds it).
        b: Second node.
        a_id: Id of the first node.
        b_id: Id of the second node.
        kind: "negation", "antonym", "number", "quantifier" or "divergent".
        evidence_a: The sentence of `a` that conflicts.
        evidence_b: The sentence of `b` that conflicts.
        score: Confidence in [0, 1].
    """

    number: int
    a: QANode | None
    b: QANode | None
    a_id: str
    b_id: str
    kind: str
    evidence_a: str
    evidence_b: str
    score: float

    def label(self) -> str:
        """One line for a picker: number, kind and the two sources."""
        a, b = _where(self.a, self.a_id), _where(self.b, self.b_id)
        return f"{self.number}. {self.kind}: {a} vs {b}"


def _where(node: QANode | None, node_id: str) -> str:
    if node is None:
        return node_id
    if node.number:
        return f"{node.source} #{node.number}"
    return f"{node.source} {node.location or f'L{node.line_start}'}"


def _get(kb: KnowledgeBase, node_id: str) -> QANode | None:
    try:
        return kb.node(node_id)
    except KeyError:
        return None


def flags(snapshot: Snapshot) -> list[Flag]:
    """All contradictions, strongest first (as `qagraph contradictions` lists them)."""
    kb = snapshot.kb
    found = []
    seen: set[tuple[str, str, str]] = set()
    for c in stored_contradictions(kb):
        if (c.a, c.b, c.kind) not in seen:
            seen.add((c.a, c.b, c.kind))
            found.append(c)
    return [
        Flag(
            i,
            _get(kb, c.a),
            _get(kb, c.b),
            c.a,
            c.b,
            c.kind,
            c.evidence_a,
            c.evidence_b,
            round(float(c.score), 3),
        )
        for i, c in enumerate(found, start=1)
    ]


def table(items: list[Flag]) -> list[list[object]]:
    """Rows for the flags table (see `HEADERS`)."""
    return [
        [
            f.number,
            f.kind,
            f.score,
            _where(f.a, f.a_id),
            f.evidence_a,
            _where(f.b, f.b_id),
            f.evidence_b,
        ]
        for f in items
    ]


def summary_md(items: list[Flag]) -> str:
    """A line above the table: how many flags, of which kinds."""
    if not items:
        return f"*{NONE_FLAGGED}*"
    kinds: dict[str, int] = {}
    for f in items:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    pairs = "pairs of answers that disagree"
    if len(items) == 1:
        pairs = "pair of answers that disagrees"
    return (
        f"**{len(items)}** flagged {pairs} ({by_kind}). "
        "Select one in the table or the list to read both answers in full."
    )


def detail(snapshot: Snapshot, number: int | None) -> tuple[str, str, str]:
    """(header, node A, node B) markdown for the flag numbered `number`."""
    items = flags(snapshot)
    if not items:
        return f"*{NONE_FLAGGED}*", "", ""
    if number is None or not 1 <= int(number) <= len(items):
        return "*Select a flag in the table or the list above.*", "", ""
    flag = items[int(number) - 1]
    header = (
        f"### ⚠ {flag.kind} contradiction (confidence {flag.score:.2f})\n"
        f"- **A:** “{render.inline(flag.evidence_a)}”\n"
        f"- **B:** “{render.inline(flag.evidence_b)}”"
    )
    return (
        header,
        _side("A", flag.a, flag.a_id, flag.evidence_a),
        _side("B", flag.b, flag.b_id, flag.evidence_b),
    )


def _side(label: str, node: QANode | None, node_id: str, evidence: str) -> str:
    if node is None:
        return f"**{label}:** node {node_id} is no longer in the knowledge base."
    return f"**{label}**\n\n" + render.node_md(node, highlight=evidence)
