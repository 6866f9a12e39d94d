"""Concept lookup for the app, over the store's knowledge graph (`qagraph.kb.graph`).

`ConceptGraph` owns the NetworkX graph and the typo-tolerant lookup; this adapter adds what
the Concepts tab and the chat need on top: autocomplete that lists prefix matches first,
a card with the nodes grouped by source, a drawable neighbourhood, and exact concept
mentions in a chat message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import networkx as nx

from qagraph.kb import KnowledgeBase, QANode
from qagraph.kb.graph import ConceptGraph, ConceptNotFound
from qagraph.kb.records import concept_node_id, source_node_id
from qagraph.kb.text import normalize, word_spans, words

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConceptCard:
    """Everything the Concepts tab shows about one concept.

    Attributes:
        name: Canonical name.
        aliases: Other spellings.
        broader: More general concepts.
        narrower: More specific concepts.
        related: Related concepts, strongest first.
        nodes_by_source: Source name -> nodes mentioning the concept, in file order.
    """

    name: str
    aliases: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    nodes_by_source: dict[str, list[QANode]] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return sum(len(nodes) for nodes in self.nodes_by_source.values())


class ConceptIndex:
    """Read-only concept queries over one knowledge base.

    Args:
        kb: The knowledge base.
        graph: Its concept graph (built from `kb` when not given).
    """

    def __init__(self, kb: KnowledgeBase, graph: ConceptGraph | None = None) -> None:
        self._kb = kb
        self.graph = graph if graph is not None else ConceptGraph(kb)
        self._names = [c.name for c in self.graph.concepts()]
        self._counts = {n: len(self.graph.nodes_of(n)) for n in self._names}
        # Every spelling as the text core's words, for exact mentions in free text; longest
        # first.
        forms: dict[tuple[str, ...], str] = {}
        for concept in self.graph.concepts():
            forms.setdefault(_words(concept.name), concept.name)
        for concept in self.graph.concepts():
            for alias in concept.aliases:
                forms.setdefault(_words(alias), concept.name)
        forms.pop((), None)
        self._forms = dict(sorted(forms.items(), key=lambda kv: -len(" ".join(kv[0]))))

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> ConceptIndex:
        return cls(kb)

    def __len__(self) -> int:
        return len(self._names)

    def names(self) -> list[str]:
        """All concept names, sorted."""
        return list(self._names)

    def resolve(self, text: str) -> str | None:
        """The concept a user means: a name, alias, spelling variant or typo; None if none."""
        if not text.strip():
            return None
        try:
            return self.graph.resolve(text).name
        except ConceptNotFound:
            return None

    def suggest(self, text: str, limit: int = 8) -> list[str]:
        """Concept names for an autocomplete list: prefix matches first, then fuzzy ones."""
        text = normalize(text)
        if not text:
            return [n for n, _ in self.most_mentioned(limit)]
        prefix = sorted(
            (n for n in self._names if n.startswith(text)), key=lambda n: -self._counts[n]
        )
        words = [n for n in self._names if f" {text}" in f" {n}" and n not in prefix]
        fuzzy = self.graph.suggest(text, limit)
        return list(dict.fromkeys([*prefix, *fuzzy, *words]))[:limit]

    def most_mentioned(self, limit: int = 10) -> list[tuple[str, int]]:
        """(name, number of nodes) of the concepts most nodes mention."""
        return sorted(self._counts.items(), key=lambda c: (-c[1], c[0]))[:limit]

    def card(self, name: str) -> ConceptCard:
        """The card of a concept (by canonical name).

        Raises:
            KeyError: When there is no such concept.
        """
        concept = self.graph.concept(name)
        by_source = {
            source: [self._kb.node(i) for i in ids]
            for source, ids in sorted(self.graph.by_source(name).items())
        }
        return ConceptCard(
            name=name,
            aliases=tuple(a for a in concept.aliases if a != name),
            broader=tuple(self.graph.broader(name)),
            narrower=tuple(self.graph.narrower(name)),
            related=tuple(n for n, _ in self.graph.related(name)),
            nodes_by_source=by_source,
        )

    def nodes(self, name: str) -> list[QANode]:
        """Nodes mentioning a concept, in (source, line) order."""
        return [self._kb.node(i) for i in self.graph.nodes_of(name)]

    def find_in(self, text: str) -> list[tuple[str, str]]:
        """(name, words as written) of the concepts a text names exactly, in text order.

        Text and names are compared as the text core's words, so case, typographic quotes
        and dashes, spacing and punctuation between words do not matter ("Gradient
        Descent", "PCA's"). Longer forms are matched first, so "gradient descent" wins
        over "gradient".
        """
        spans = []
        for start, end in word_spans(text):
            word = normalize(text[start:end])
            if word.endswith("'s"):  # a possessive names the concept without it
                word, end = word[:-2], end - 2
            spans.append((word, start, end))
        at: dict[str, list[int]] = {}
        for i, (word, _, _) in enumerate(spans):
            at.setdefault(word, []).append(i)
        found: list[tuple[int, str, str]] = []
        taken: list[tuple[int, int]] = []
        for form, name in self._forms.items():
            # A two-letter form ("gd", "ml") counts only written as an acronym, in capitals.
            short = len(" ".join(form)) < 3 and not any(c.isdigit() for w in form for c in w)
            for i in at.get(form[0], ()):
                if tuple(w for w, _, _ in spans[i : i + len(form)]) != form:
                    continue
                start, end = spans[i][1], spans[i + len(form) - 1][2]
                surface = text[start:end]
                if short and not surface.isupper():
                    continue
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                found.append((start, name, surface))
        firsts: dict[str, str] = {}
        for _, name, surface in sorted(found):
            firsts.setdefault(name, surface)
        return list(firsts.items())

    def neighbourhood(self, name: str, *, max_concepts: int = 10, max_nodes: int = 30) -> nx.Graph:
        """The concept, its nearest concepts, the nodes mentioning it and their sources.

        Cut from the knowledge graph (radius 1 around the concept) and simplified for
        drawing. Node attributes: `kind` ("concept", "qa", "source"), `label`, `title`
        (hover text), `center`; qa nodes also `source`. Edge attribute: `kind`.
        """
        center = concept_node_id(name)
        around = self.graph.neighbourhood(center, radius=1)
        card = self.card(name)
        graph = nx.Graph()
        graph.add_node(center, kind="concept", label=name, title=name, center=True)
        linked = [(n, "broader") for n in card.broader] + [(n, "narrower") for n in card.narrower]
        linked += [(n, "related") for n in card.related]
        for other, kind in linked[:max_concepts]:
            node_id = concept_node_id(other)
            graph.add_node(node_id, kind="concept", label=other, title=other, center=False)
            graph.add_edge(center, node_id, kind=kind)
        qa = [
            self._kb.node(n)
            for n, d in around.nodes(data=True)
            if d.get("kind") == "qa" and _known(self._kb, n)
        ]
        for node in sorted(qa, key=lambda n: (n.source, n.line_start))[:max_nodes]:
            title = f"{node.question}<br>{node.source}, lines {node.line_start}-{node.line_end}"
            label = f"#{node.number}" if node.number else node.question[:24]
            graph.add_node(node.id, kind="qa", label=label, title=title, source=node.source)
            graph.add_edge(center, node.id, kind="mentions")
            source = source_node_id(node.source)
            if source not in graph:
                graph.add_node(source, kind="source", label=node.source, title=node.source)
            graph.add_edge(node.id, source, kind="from")
        return graph


def _words(form: str) -> tuple[str, ...]:
    """A name or alias as the text core's words, a possessive 's dropped."""
    return tuple(w[:-2] if w.endswith("'s") else w for w in words(form))


def _known(kb: KnowledgeBase, node_id: str) -> bool:
    try:
        kb.node(node_id)
    except KeyError:
        return False
    return True
