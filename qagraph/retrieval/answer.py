"""Answer assembly: the best node quoted verbatim with its citation, or an honest abstention.

No text is generated: the answer is the source's own words, so the citation is correct by
construction. Around it go the other sources answering the same question, related concepts
from the graph and any contradiction touching the cited nodes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qagraph.kb.contradictions import contradiction_from_edge, marked_pairs
from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.records import QANode

if TYPE_CHECKING:
    from qagraph.retrieval.results import Hit, SearchResult

logger = logging.getLogger(__name__)

MAX_RELATED = 8
MAX_NEAREST = 5
ABSTAIN_MESSAGE = "The knowledge base does not cover this question, so there is no answer to quote."
_CONCEPT = "concept:"


def citation(node: QANode) -> str:
    """'source #number, section, lines a-b' (number and section only when known).

    Where lines are not what a reader of the format looks for, the node's location takes
    their place: 'faq.pdf, p. 3, lines 12-19', 'nb.ipynb, cells 4-5', 'f.docx, paragraph 7'.
    """
    parts = [f"{node.source} #{node.number}" if node.number else node.source]
    if node.section:
        parts.append(node.section)
    if node.location:
        parts.append(node.location)
    elif node.line_start == node.line_end:
        parts.append(f"line {node.line_start}")
    else:
        parts.append(f"lines {node.line_start}-{node.line_end}")
    return ", ".join(parts)


def quote(text: str) -> str:
    """The text as a markdown block quote, every line kept verbatim after the '> ' marker."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


class GraphView:
    """The graph edges answer assembly needs, indexed once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.same_question: dict[str, set[str]] = {}
        self.related: dict[str, list[tuple[float, str]]] = {}
        self.contradicts: dict[str, list[dict[str, Any]]] = {}
        for edge in kb.edges():
            if edge.kind == "same_question":
                self.same_question.setdefault(edge.src, set()).add(edge.dst)
                self.same_question.setdefault(edge.dst, set()).add(edge.src)
            elif edge.kind in ("related", "broader") and edge.src.startswith(_CONCEPT):
                a, b = edge.src[len(_CONCEPT) :], edge.dst[len(_CONCEPT) :]
                self.related.setdefault(a, []).append((-edge.weight, b))
                self.related.setdefault(b, []).append((-edge.weight, a))
            elif edge.kind == "contradicts":
                item = contradiction_from_edge(edge).to_json()
                self.contradicts.setdefault(edge.src, []).append(item)
                self.contradicts.setdefault(edge.dst, []).append(item)
        for neighbours in self.related.values():
            neighbours.sort()

    def related_concepts(self, names: list[str], limit: int = MAX_RELATED) -> list[str]:
        """The given concepts, then their graph neighbours by weight, without repeats."""
        out = list(dict.fromkeys(names))
        for name in names:
            for _, other in self.related.get(name, ()):
                if len(out) >= limit:
                    return out[:limit]
                if other not in out:
                    out.append(other)
        return out[:limit]

    def contradictions(self, node_ids: list[str]) -> list[dict[str, Any]]:
        """Contradictions touching any of the nodes, each once, strongest first; flags a
        user marked "not a conflict" are left out (read now: marks change at any time)."""
        seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        for node_id in node_ids:
            for item in self.contradicts.get(node_id, ()):
                seen.setdefault((item["a"], item["b"], item["kind"]), item)
        marked = marked_pairs(self._kb) if seen else set()
        kept = [c for c in seen.values() if (c["a"], c["b"]) not in marked]
        return sorted(kept, key=lambda c: (-c["score"], c["a"], c["b"]))


@dataclass(frozen=True, slots=True)
class Answer:
    """A cited answer, or an abstention.

    Attributes:
        query: The question asked.
        abstained: True when the knowledge base does not cover the question.
        message: A one-line note for the reader (why there is no answer, ...); "" if none.
        results: The ranked hits (empty when abstaining: no unrelated answer is shown).
        best: The hit quoted, or None.
        text: The assembled answer: the quotation and its citation line ("" if none).
        also_answered_in: Other hits answering the same question.
        related_concepts: Concepts of the answer and their graph neighbours, or the
            concepts nearest the query when abstaining.
        contradictions: Contradictions touching the cited nodes.
        confidence: Estimated probability that the knowledge base covers the question.
        abstain_reason: Why it abstained: the evidence the decision weighed ("" if it
            answered).
    """

    query: str
    abstained: bool
    message: str
    results: list[Hit]
    best: Hit | None
    text: str
    also_answered_in: list[Hit] = field(default_factory=list)
    related_concepts: list[str] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    abstain_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The `qagraph ask --json` document (its fields are documented in the README)."""
        return {
            "query": self.query,
            "abstained": self.abstained,
            "message": self.message,
            "confidence": self.confidence,
            "abstain_reason": self.abstain_reason or None,
            "answer": self.text or None,
            "citation": citation(self.best.node) if self.best else None,
            "results": [hit.node.to_json() | {"score": hit.score} for hit in self.results],
            "also_answered_in": [
                {"id": h.node.id, "question": h.node.question, "citation": citation(h.node)}
                for h in self.also_answered_in
            ],
            "related_concepts": self.related_concepts,
            "contradictions": self.contradictions,
        }


def assemble_answer(
    result: SearchResult,
    graph: GraphView,
    same_question: Callable[[str, list[str]], list[str]],
    *,
    k: int = 5,
) -> Answer:
    """Turn a search result into an answer.

    Args:
        result: The ranked hits and the abstention decision; hits beyond `k` are only
            looked at for other sources answering the same question.
        graph: Edges for related concepts and contradictions.
        same_question: (node id, candidate ids) -> candidates asking the same question.
        k: Number of results the answer lists.
    """
    nearest = [h.name for h in result.concepts]
    if result.abstained or not result.hits:
        # Name the concepts the query is closest to, so the reader can rephrase.
        for hit in result.hits[:3]:
            nearest.extend(hit.node.concepts[:2])
        message = ABSTAIN_MESSAGE
        nearest = list(dict.fromkeys(nearest))[:MAX_NEAREST]
        if nearest:
            message += " Closest topics it covers: " + ", ".join(nearest) + "."
        reason = result.reason or (
            "the knowledge base is empty" if not result.hits else "no answer passed abstention"
        )
        return Answer(
            result.query, True, message, [], None, "", [], nearest, [], result.confidence, reason
        )
    hits = result.hits
    top = hits[0]
    ids = [h.node.id for h in hits]
    same = set(same_question(top.node.id, ids))
    best, message = top, ""
    if not top.node.answered:
        answered = [h for h in hits[1:] if h.node.id in same and h.node.answered]
        if answered:
            best = answered[0]
        else:
            message = f"{citation(top.node)} lists this question without an answer."
    same |= set(same_question(best.node.id, ids))
    also = [h for h in hits if h is not best and h.node.answered and h.node.id in same]
    text = ""
    if best.node.answered and best.node.answer.strip():
        text = f"{quote(best.node.answer)}\n\n— {citation(best.node)}"
    query_concepts = [c for c in nearest if c in best.node.concepts]
    related = graph.related_concepts(query_concepts + list(best.node.concepts))
    cited = [best.node.id, *(h.node.id for h in also)]
    return Answer(
        query=result.query,
        abstained=False,
        message=message,
        results=hits[:k],
        best=best,
        text=text,
        also_answered_in=also,
        related_concepts=related,
        contradictions=graph.contradictions(cited),
        confidence=result.confidence,
    )
