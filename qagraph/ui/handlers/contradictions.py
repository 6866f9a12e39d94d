"""Contradictions: every `contradicts` edge of the store grouped by kind, both nodes of one in
full, "not a conflict" marks, and the answers to one question compared side by side."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from qagraph.kb import KnowledgeBase, QANode
from qagraph.kb.contradictions import contradictions as stored_contradictions
from qagraph.kb.marks import Marks, store_root
from qagraph.ui import render
from qagraph.ui.sanitize import safe_markdown
from qagraph.ui.state import Snapshot

logger = logging.getLogger(__name__)

HEADERS = ["#", "kind", "confidence", "source A", "evidence A", "source B", "evidence B"]
#: The kinds in the order the tab groups them.
KINDS = ("negation", "antonym", "number", "quantifier", "divergent")
ALL_KINDS = "all"
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


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def flags(snapshot: Snapshot, *, marked: bool = False) -> list[Flag]:
    """The contradictions grouped by kind (negation, antonym, number, quantifier,
    divergent), strongest first in each; the ones marked "not a conflict" apart (`marked`)."""
    kb = snapshot.kb
    found = []
    seen: set[tuple[str, str, str]] = set()
    listed = stored_contradictions(kb, marked=marked)
    listed.sort(key=lambda c: (_kind_order(c.kind), -c.score, c.a, c.b))
    for c in listed:
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


def kind_counts(items: list[Flag]) -> dict[str, int]:
    """Flags per kind, in the tab's order (kinds without a flag left out)."""
    counts: dict[str, int] = {}
    for f in sorted(items, key=lambda f: _kind_order(f.kind)):
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return counts


def kind_choices(items: list[Flag]) -> list[tuple[str, str]]:
    """(label, value) of the kind filter: all, then each kind with its count."""
    counts = kind_counts(items)
    return [(f"all ({len(items)})", ALL_KINDS)] + [(f"{k} ({n})", k) for k, n in counts.items()]


def of_kind(items: list[Flag], kind: str | None) -> list[Flag]:
    """The flags of one kind (all for `ALL_KINDS` or None)."""
    return items if not kind or kind == ALL_KINDS else [f for f in items if f.kind == kind]


def summary_md(items: list[Flag]) -> str:
    """A line above the table: how many flags, of which kinds."""
    if not items:
        return f"*{NONE_FLAGGED}*"
    kinds = kind_counts(items)
    by_kind = ", ".join(f"{n} {k}" for k, n in kinds.items())
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


# --- "not a conflict" marks --------------------------------------------------------------


def mark(snapshot: Snapshot, number: int | None, note: str = "") -> str:
    """Mark flag #`number` as not a conflict; a one-line status for the reader."""
    items = flags(snapshot)
    if number is None or not 1 <= int(number) <= len(items):
        return "*Select a flag first.*"
    flag = items[int(number) - 1]
    if flag.a is None or flag.b is None:
        return "*This flag names a node no longer in the knowledge base.*"
    Marks(store_root(snapshot.kb.path)).mark(flag.a, flag.b, kind=flag.kind, note=note or "")
    return (
        f"Marked **{flag.kind}** flag {_where(flag.a, flag.a_id)} vs "
        f"{_where(flag.b, flag.b_id)} as *not a conflict*: it is no longer shown, also after "
        "re-ingests. It is listed under “Marked not a conflict”, where it can be shown again."
    )


def unmark(snapshot: Snapshot, number: int | None) -> str:
    """Show again the marked flag #`number` (of the marked list)."""
    items = flags(snapshot, marked=True)
    if number is None or not 1 <= int(number) <= len(items):
        return "*Select a marked flag first.*"
    flag = items[int(number) - 1]
    if flag.a is None or flag.b is None:
        return "*This flag names a node no longer in the knowledge base.*"
    Marks(store_root(snapshot.kb.path)).unmark(flag.a, flag.b)
    pair = f"{_where(flag.a, flag.a_id)} vs {_where(flag.b, flag.b_id)}"
    return f"The **{flag.kind}** flag {pair} is shown again."


def marked_md(items: list[Flag]) -> str:
    """The marked flags as a short list (with the note given when marking)."""
    if not items:
        return "*No flag is marked “not a conflict”.*"
    lines = []
    for f in items:
        lines.append(
            f"{f.number}. **{f.kind}**: {render.inline(_where(f.a, f.a_id))} vs "
            f"{render.inline(_where(f.b, f.b_id))} — “{render.inline(f.evidence_a)}” / "
            f"“{render.inline(f.evidence_b)}”"
        )
    return "\n".join(lines)


# --- answers side by side ----------------------------------------------------------------

_STATUS_MARK = {"conflict": "≠", "shared": "=", "some": "≈", "unique": ""}


def compare_choices(snapshot: Snapshot) -> list[tuple[str, str]]:
    """(label, node id) of every group of answers to the same question, largest first."""
    from qagraph.ingest.contradictions.answer_groups import answer_groups
    from qagraph.ingest.contradictions.claims import split_claims

    kb = snapshot.kb
    out = []
    for group in answer_groups(kb):
        nodes = [n for i in group if (n := _get(kb, i)) is not None]
        answered = [n for n in nodes if n.answered and split_claims(n.answer)]
        if len(answered) < 2:
            continue  # nothing to set side by side
        sources = len({n.source for n in answered})
        label = f"{answered[0].question} ({len(answered)} answers, {sources} sources)"
        out.append((label, answered[0].id))
    return out


def compare(snapshot: Snapshot, node_id: str | None):
    """The comparison of the group of `node_id` (None when it cannot be made)."""
    from qagraph.ingest.contradictions.answer_groups import answer_group
    from qagraph.ingest.contradictions.compare import compare_answers
    from qagraph.ingest.contradictions.detect import concept_names

    if not node_id or snapshot.retriever is None:
        return None
    kb = snapshot.kb
    try:
        group = answer_group(kb, node_id)
    except KeyError:
        return None
    ids = {n.id for n in group}
    stored = [c for c in stored_contradictions(kb, touching=ids) if c.a in ids and c.b in ids]
    names = concept_names(kb.nodes(), kb.edges("mentions"), kb.concepts())
    return compare_answers(group, snapshot.retriever.encoder, flags=stored, names=names)


def compare_md(snapshot: Snapshot, node_id: str | None) -> tuple[str, str]:
    """(summary, view) markdown: the counts and conflicts, then every answer claim by
    claim, aligned across the sources, shared claims and conflicts marked."""
    if snapshot.retriever is None:
        return f"*Comparing needs the embedding model: {snapshot.retrieval_error}*", ""
    if not node_id:
        return "*Pick a question answered by several sources.*", ""
    result = compare(snapshot, node_id)
    if result is None:
        return "*That question is no longer in the knowledge base.*", ""
    number = {n.id: i for i, n in enumerate(result.nodes, start=1)}
    counts = result.counts()
    head = [
        f"### {render.inline(result.question)}",
        f"**{len(result.nodes)} answer{'s' if len(result.nodes) != 1 else ''}** compared "
        "sentence by sentence: "
        f"{_claims(counts['shared'])} every answer makes, {_claims(counts['some'])} that some "
        f"make, {_claims(counts['unique'])} that one answer alone makes, "
        f"{_claims(counts['conflict'])} in conflict.",
        "",
        "Legend: <ins>claim every answer makes</ins> (=) · <ins>claim some answers make</ins> "
        "(≈) · <mark>claim in conflict</mark> (≠) · plain: this answer alone.",
    ]
    for node in result.unanswered:
        head.append(f"\n*Not compared: {render.citation_md(node)} (no answer to compare).*")
    conflicts = result.by_status("conflict")
    if conflicts:
        head.append("\n#### In conflict")
        for row in conflicts:
            sides = " **vs** ".join(
                f"[{number.get(c.node, '?')}] “{render.inline(c.text)}”" for c in row.claims
            )
            head.append(f"- ≠ **{row.kind}** (confidence {row.confidence:.2f}): {sides}")
    summary = "\n".join(head)
    return summary, _aligned_html(result, number)


def _cell(text: str, status: str) -> str:
    body = html.escape(text)
    if status == "conflict":
        return f"<mark>{body}</mark>"
    if status in ("shared", "some"):
        return f"<ins>{body}</ins>"
    return body


def _claims(n: int) -> str:
    return f"**{n}** claim{'s' if n != 1 else ''}"


def _aligned_html(result, number: dict[str, int]) -> str:
    """One column per answer (its question and citation on top), one row per aligned
    claim: conflicts, then claims every answer makes, some make, one makes."""
    nodes = result.nodes
    head = "".join(
        f"<th>[{number[n.id]}] {html.escape(n.question)}<br><small>"
        f"{html.escape(render.citation(n))}</small></th>"
        for n in nodes
    )
    rows = [f"<table><thead><tr><th></th>{head}</tr></thead><tbody>"]
    for row in result.rows:
        cells = []
        for node in nodes:
            texts = [c.text for c in row.claims if c.node == node.id]
            status = row.status
            if row.status == "conflict":
                label = f"{row.kind} {row.confidence:.2f}"
            else:
                label = {"shared": "all", "some": "some", "unique": ""}[row.status]
            cells.append("<br>".join(_cell(t, status) for t in texts))
        mark = _STATUS_MARK[row.status]
        rows.append(
            f"<tr><td>{mark} {html.escape(label)}</td>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "</tr>"
        )
    rows.append("</tbody></table>")
    return safe_markdown("\n".join(rows))
