"""Groups of nodes asking the same question (`answer_group`, `answer_groups`)."""

from __future__ import annotations

from collections.abc import Iterable

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.records import QANode, normalize_question


class UnionFind:
    """Sets of (node id, index) keys joined by `union`; `find` names a set by its least key."""

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
    uf = UnionFind((n, 0) for pair in edges for n in pair)
    for src, dst in edges:
        uf.union((src, 0), (dst, 0))
    groups: dict[tuple[str, int], list[str]] = {}
    for key in uf.parent:
        groups.setdefault(uf.find(key), []).append(key[0])
    out = [sorted(g, key=lambda i: order.get(i, 0)) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda g: (-len(g), order.get(g[0], 0)))
