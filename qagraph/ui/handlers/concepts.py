"""Concepts: fuzzy suggestions, the concept card and the neighbourhood picture."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from qagraph.ui import render
from qagraph.ui.concept_index import ConceptCard
from qagraph.ui.figures import neighbourhood_figure
from qagraph.ui.state import Snapshot

logger = logging.getLogger(__name__)

MAX_NEIGHBOURS = 16
NO_CONCEPTS = (
    "This knowledge base holds no concepts yet. Concepts come from the ingest's concept "
    "extraction; re-ingest the documents with a version of qagraph that extracts them."
)


@dataclass(frozen=True)
class ConceptPage:
    """What the Concepts tab shows for one lookup.

    Attributes:
        name: The concept shown, or None when nothing matched.
        card: Markdown: aliases, broader, narrower and related concepts.
        nodes: Markdown: the nodes mentioning it, grouped by source.
        figure: The neighbourhood picture (a plotly figure), or None.
        neighbours: Concept names to offer as next steps.
    """

    name: str | None
    card: str
    nodes: str = ""
    figure: Any = None
    neighbours: list[str] = field(default_factory=list)


def suggest(snapshot: Snapshot, text: str, limit: int = 8) -> list[str]:
    """Concept names matching what the user typed so far, typos forgiven."""
    return snapshot.concepts.suggest(text or "", limit=limit)


def page(snapshot: Snapshot, text: str) -> ConceptPage:
    """The concept page for a name, an alias or a misspelling of one."""
    index = snapshot.concepts
    if len(index) == 0:
        return ConceptPage(None, f"*{NO_CONCEPTS}*")
    text = (text or "").strip()
    if not text:
        top = ", ".join(f"{n} ({c})" for n, c in index.most_mentioned(12))
        return ConceptPage(None, f"Type a concept to look it up. Most mentioned: {top}.")
    name = index.resolve(text)
    if name is None:
        near = index.suggest(text, limit=5)
        hint = f" Did you mean: {', '.join(near)}?" if near else ""
        shown = render.inline(text)
        return ConceptPage(None, f"No concept matches “{shown}”.{hint}", neighbours=near)
    card = index.card(name)
    figure = neighbourhood_figure(index.neighbourhood(name))
    neighbours = list(dict.fromkeys([*card.broader, *card.narrower, *card.related]))
    neighbours = neighbours[:MAX_NEIGHBOURS]
    return ConceptPage(name, card_md(card), nodes_md(card), figure, neighbours)


def card_md(card: ConceptCard) -> str:
    """Aliases, broader, narrower and related concepts of a card."""
    n_sources = len(card.nodes_by_source)

    def names(items: Any) -> str:
        return ", ".join(render.inline(n) for n in items) or "—"

    rows = [
        f"## {render.inline(card.name)}",
        f"Mentioned by **{card.n_nodes}** question(s) in **{n_sources}** source(s).",
        f"**Also written:** {names(card.aliases)}  ",
        f"**Broader:** {names(card.broader)}  ",
        f"**Narrower:** {names(card.narrower)}  ",
        f"**Related:** {names(card.related[:15])}",
    ]
    return "\n\n".join(rows[:2]) + "\n\n" + "\n".join(rows[2:])


def nodes_md(card: ConceptCard) -> str:
    """The nodes mentioning the concept, grouped by source, answers folded."""
    if not card.nodes_by_source:
        return "*No question mentions this concept.*"
    parts = []
    for source, nodes in sorted(card.nodes_by_source.items()):
        parts.append(f"#### {render.inline(source, escape='*')} ({len(nodes)})")
        for node in nodes:
            answer = render.markdown(node.answer.strip()) or "*No answer in this source.*"
            parts.append(
                f"<details><summary>{_summary(node)}</summary>\n\n"
                f"{render.citation_md(node)}\n\n{answer}\n\n</details>"
            )
    return "\n\n".join(parts)


def _summary(node: Any) -> str:
    number = f"#{node.number} " if node.number else ""
    question = node.question.replace("<", "&lt;").replace(">", "&gt;")
    where = node.location or f"lines {node.line_start}–{node.line_end}"
    return f"{number}{question} <small>({where})</small>"
