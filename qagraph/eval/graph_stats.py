"""Figures that say whether the concept graph is any good, reproducible from any store.

How many concepts; how many nodes (and answered nodes) carry one; the concepts with the
most edges, which should read like a textbook's chapter titles; the same-question groups;
and, given a lookup set, the share of typed queries that resolve to the expected concept.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.errors import QagraphError
from qagraph.kb.graph import ConceptGraph
from qagraph.kb.lookup import ConceptNotFound


class Lookup(NamedTuple):
    """A query and the concept it should resolve to."""

    query: str
    expected: str
    kind: str = ""


def bundled_lookups_path() -> Path:
    """The lookup set for the bundled corpus."""
    return Path(str(resources.files("qagraph") / "data" / "concept_lookups.json"))


def load_lookups(path: str | Path | None = None) -> list[Lookup]:
    """Read a lookup set: {"lookups": [{"query", "expected", "kind"}, ...]} or a bare list.

    Raises:
        QagraphError: When the file is missing or malformed.
    """
    path = Path(path) if path is not None else bundled_lookups_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data["lookups"] if isinstance(data, dict) else data
        return [Lookup(str(i["query"]), str(i["expected"]), str(i.get("kind", ""))) for i in items]
    except FileNotFoundError:
        raise QagraphError(f"lookup file {path} does not exist") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QagraphError(f"lookup file {path} is malformed: {exc}") from exc


def lookup_accuracy(graph: ConceptGraph, lookups: list[Lookup]) -> dict[str, Any]:
    """Share of lookups resolving to the expected concept, overall and by kind, with misses."""
    failures = []
    by_kind: dict[str, list[int]] = {}
    for item in lookups:
        try:
            got = graph.resolve(item.query).name
        except ConceptNotFound:
            got = None
        ok = got == item.expected
        by_kind.setdefault(item.kind, [0, 0])[0] += ok
        by_kind[item.kind][1] += 1
        if not ok:
            failures.append({"query": item.query, "expected": item.expected, "got": got})
    resolved = len(lookups) - len(failures)
    return {
        "total": len(lookups),
        "resolved": resolved,
        "accuracy": round(resolved / len(lookups), 4) if lookups else None,
        "by_kind": {k: f"{ok}/{n}" for k, (ok, n) in sorted(by_kind.items())},
        "failures": failures,
    }


def graph_stats(
    graph: ConceptGraph, lookups: list[Lookup] | None = None, *, top: int = 20
) -> dict[str, Any]:
    """The figures of one store's concept graph.

    Args:
        graph: The graph.
        lookups: A lookup set to score; None leaves the figure out.
        top: How many concepts to list by degree.
    """
    kb = graph.kb
    nodes = kb.nodes()
    answered = [n for n in nodes if n.answered]
    groups = graph.same_question_groups()
    stats: dict[str, Any] = {
        "concepts": len(graph.concepts()),
        "by_origin": dict(Counter(c.origin for c in graph.concepts()).most_common()),
        "nodes": len(nodes),
        "nodes_with_concept": _share(sum(bool(n.concepts) for n in nodes), len(nodes)),
        "answered_nodes": len(answered),
        "answered_with_concept": _share(sum(bool(n.concepts) for n in answered), len(answered)),
        "mean_concepts_per_node": round(sum(len(n.concepts) for n in nodes) / len(nodes), 2)
        if nodes
        else 0.0,
        "edges": dict(Counter(e.kind for e in kb.edges()).most_common()),
        "top_by_degree": [
            {"name": name, "degree": degree, "nodes": len(graph.nodes_of(name))}
            for name, degree in graph.top_concepts(top)
        ],
        "same_question": {
            "groups": len(groups),
            "linked_nodes": sum(len(g) for g in groups),
            "largest": [_group(graph, g) for g in groups[:5]],
        },
    }
    if lookups is not None:
        stats["lookups"] = lookup_accuracy(graph, lookups)
    return stats


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _group(graph: ConceptGraph, ids: list[str]) -> dict[str, Any]:
    kb = graph.kb
    members = [kb.node(i) for i in ids]
    shared = set.intersection(*(set(n.concepts) for n in members)) if members else set()
    return {
        "nodes": ids,
        "sources": sorted({n.source for n in members}),
        "questions": [n.question for n in members],
        "shared_concepts": sorted(shared),
    }
