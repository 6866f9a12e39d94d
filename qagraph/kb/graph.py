"""The knowledge graph of a store as NetworkX, and the queries the commands and the app ask.

Node ids are those of the edges: a source is "source:NAME", a concept "concept:NAME", and
a question/answer node its own id. Every node has a `kind` ("source", "qa", "concept") and
a `label`; every edge a `kind` (see `EDGE_KINDS`) and a `weight`, plus the attributes its
data holds. `related` and `same_question` are stored once per pair but mean both ways.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.lookup import ConceptLookup, ConceptNotFound, Resolution
from qagraph.kb.records import Concept, QANode, concept_node_id, source_node_id

__all__ = ["ConceptGraph", "ConceptNotFound", "Resolution", "build_graph"]

logger = logging.getLogger(__name__)

_SYMMETRIC = frozenset({"related", "same_question", "contradicts"})
_RESERVED = frozenset({"kind", "weight", "key"})


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """Sources, nodes and concepts of a knowledge base with all its edges."""
    graph = nx.MultiDiGraph(name=str(kb.path))
    for source in kb.sources():
        graph.add_node(
            source_node_id(source.name), kind="source", label=source.name, n_lines=source.n_lines
        )
    for node in kb.nodes():
        graph.add_node(node.id, kind="qa", label=node.question, **_qa_attrs(node))
    for concept in kb.concepts():
        graph.add_node(
            concept_node_id(concept.name),
            kind="concept",
            label=concept.name,
            aliases="; ".join(concept.aliases),
            origin=concept.origin,
        )
    for edge in kb.edges():
        for end in (edge.src, edge.dst):
            if end not in graph:  # an edge to a record this store lacks: keep it visible
                graph.add_node(end, kind=end.split(":", 1)[0] if ":" in end else "qa", label=end)
        # Data keys never shadow the edge's own kind and weight.
        attrs = {(f"data_{k}" if k in _RESERVED else k): v for k, v in edge.attrs.items()}
        attrs.update(kind=edge.kind, weight=edge.weight)
        graph.add_edge(edge.src, edge.dst, key=edge.kind, **attrs)
    return graph


def _qa_attrs(node: QANode) -> dict[str, Any]:
    return {
        "source": node.source,
        "number": node.number or "",
        "section": node.section or "",
        "line_start": node.line_start,
        "line_end": node.line_end,
        "location": node.location or "",
        "answered": node.answered,
    }


class ConceptGraph:
    """Graph queries over one knowledge base: concepts, their nodes and neighbours.

    Args:
        kb: The knowledge base.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self.graph = build_graph(kb)
        self._concepts = {c.name: c for c in kb.concepts()}
        self._nodes_of: dict[str, list[str]] = defaultdict(list)
        for edge in kb.edges("mentions"):
            name = edge.dst.removeprefix("concept:")
            if edge.src not in self._nodes_of[name]:
                self._nodes_of[name].append(edge.src)
        order = {n.id: i for i, n in enumerate(kb.nodes())}
        for ids in self._nodes_of.values():
            ids.sort(key=lambda i: order.get(i, len(order)))
        popularity = {name: len(ids) for name, ids in self._nodes_of.items()}
        self._lookup = ConceptLookup(self._concepts.values(), popularity)

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base the graph was built from."""
        return self._kb

    def concepts(self) -> list[Concept]:
        """All concepts, by name."""
        return [self._concepts[n] for n in sorted(self._concepts)]

    def concept(self, name: str) -> Concept:
        """The concept with this canonical name (KeyError if none; see `resolve`)."""
        return self._concepts[name]

    def resolve(self, query: str) -> Resolution:
        """The concept a user means by `query`: typos, acronyms, plurals and spellings.

        Raises:
            ConceptNotFound: When nothing matches; its message suggests the closest names.
        """
        return self._lookup.resolve(query)

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """The concepts closest to `query`, best first."""
        return self._lookup.suggest(query, limit)

    def nodes_of(self, name: str) -> list[str]:
        """Ids of the nodes mentioning a concept, in (source, line) order."""
        return list(self._nodes_of.get(name, ()))

    def by_source(self, name: str) -> dict[str, list[str]]:
        """Ids of the nodes mentioning a concept, grouped by source file."""
        groups: dict[str, list[str]] = {}
        for node_id in self.nodes_of(name):
            groups.setdefault(self._kb.node(node_id).source, []).append(node_id)
        return groups

    def broader(self, name: str) -> list[str]:
        """More general concepts."""
        return list(self._concepts[name].broader) if name in self._concepts else []

    def narrower(self, name: str) -> list[str]:
        """More specific concepts (those naming `name` as broader)."""
        return sorted(c.name for c in self._concepts.values() if name in c.broader)

    def related(self, name: str, limit: int | None = None) -> list[tuple[str, float]]:
        """Related concepts with their weights, strongest first."""
        found = self._linked(concept_node_id(name), "related")
        pairs = sorted(
            ((n.removeprefix("concept:"), w) for n, w in found.items()), key=lambda p: (-p[1], p[0])
        )
        return pairs[:limit] if limit is not None else pairs

    def degree(self, name: str) -> int:
        """Edges touching a concept: mentions, broader, narrower and related."""
        node = concept_node_id(name)
        return int(self.graph.degree(node)) if node in self.graph else 0

    def top_concepts(self, limit: int = 20) -> list[tuple[str, int]]:
        """The concepts with the most edges, with their degree."""
        ranked = sorted(((n, self.degree(n)) for n in self._concepts), key=lambda p: (-p[1], p[0]))
        return ranked[:limit]

    def same_question(self, node_id: str) -> list[str]:
        """The node and every node asking the same question, in (source, line) order."""
        for group in self.same_question_groups():
            if node_id in group:
                return group
        return [node_id]

    def same_question_groups(self) -> list[list[str]]:
        """Groups of nodes linked by same-question edges, largest first."""
        linked = nx.Graph()
        for src, dst, kind in self.graph.edges(keys=True):
            if kind == "same_question":
                linked.add_edge(src, dst)
        order = {n.id: i for i, n in enumerate(self._kb.nodes())}
        groups = [sorted(c, key=lambda i: order.get(i, 0)) for c in nx.connected_components(linked)]
        return sorted(groups, key=lambda g: (-len(g), order.get(g[0], 0)))

    def neighbourhood(self, node: str, radius: int = 1) -> nx.MultiDiGraph:
        """The subgraph within `radius` edges of a node id, either direction."""
        if node not in self.graph:
            raise KeyError(f"no graph node {node!r}")
        return self.graph.subgraph(nx.ego_graph(self.graph, node, radius, undirected=True)).copy()

    def export_graphml(self, path: str | Path) -> Path:
        """Write the graph as GraphML (Gephi, Cytoscape, yEd); returns the path."""
        path = Path(path)
        nx.write_graphml(graphml_safe(self.graph), path, encoding="utf-8")
        return path

    def _linked(self, node: str, kind: str) -> dict[str, float]:
        if node not in self.graph:
            return {}
        found: dict[str, float] = {}
        edges = [*self.graph.out_edges(node, keys=True, data="weight")]
        if kind in _SYMMETRIC:
            edges += [
                (d, s, k, w) for s, d, k, w in self.graph.in_edges(node, keys=True, data="weight")
            ]
        for _, other, key, weight in edges:
            if key == kind:
                found[other] = max(found.get(other, 0.0), float(weight))
        return found


def graphml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes GraphML can hold: str, int, float and bool only.

    Lists become "; "-joined text, mappings JSON text, and None is left out.
    """
    safe = nx.MultiDiGraph()
    safe.graph.update({k: _safe(v) for k, v in graph.graph.items() if v is not None})
    for node, data in graph.nodes(data=True):
        safe.add_node(node, **{k: _safe(v) for k, v in data.items() if v is not None})
    for src, dst, key, data in graph.edges(keys=True, data=True):
        safe.add_edge(src, dst, key=key, **{k: _safe(v) for k, v in data.items() if v is not None})
    return safe


def _safe(value: Any) -> str | int | float | bool:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
