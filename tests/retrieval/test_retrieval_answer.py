"""Answer assembly reads contradiction edges through the one reader in `qagraph.kb`."""

from __future__ import annotations

import json
from pathlib import Path

from qagraph.kb import Edge, KnowledgeBase
from qagraph.kb.contradictions import contradictions
from qagraph.retrieval.answer import GraphView


def _kb(edges: list[Edge]) -> KnowledgeBase:
    return KnowledgeBase(path=Path("."), manifest={}, sources=[], nodes=[], edges=edges)


def test_graph_view_and_kb_read_an_edge_alike() -> None:
    data = {"a": "x", "b": "y", "kind": "negation", "evidence_a": "is", "evidence_b": "is not"}
    edges = [
        Edge("x", "y", "contradicts", 0.61234, json.dumps({**data, "score": 0.61234})),
        Edge("y", "z", "contradicts", 0.7),  # hand-written: no data at all
        Edge("z", "w", "contradicts", 0.5, "{not json"),
    ]
    kb = _kb(edges)
    view = GraphView(kb)
    assert view.contradictions(["x", "y", "z", "w"]) == [c.to_json() for c in contradictions(kb)]
    bare = view.contradictions(["z"])[0]
    assert bare == {
        "a": "y", "b": "z", "kind": "unknown", "evidence_a": "", "evidence_b": "", "score": 0.7,
    }  # fmt: skip
    assert view.contradictions(["x"])[0]["score"] == 0.6123
