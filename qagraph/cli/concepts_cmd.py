"""`qagraph concepts` (the list, or its figures) and `qagraph concept NAME` (one concept)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qagraph.cli.common import add_options, ensure_store, print_json, store_path
from qagraph.errors import QagraphError
from qagraph.eval.graph_stats import graph_stats, load_lookups
from qagraph.kb import Store
from qagraph.kb.graph import ConceptGraph

_RELATED_SHOWN = 10


def add_parser(sub: argparse._SubParsersAction) -> None:
    listing = sub.add_parser(
        "concepts",
        help="list the concepts with their node counts",
        description="List the concepts, most mentioned first. With --stats, print the graph's "
        "figures instead: concept count, nodes with a concept, the top concepts by degree, "
        "same-question groups and the lookup accuracy on a lookup set.",
    )
    listing.add_argument("--limit", type=int, default=None, metavar="N", help="show N concepts")
    listing.add_argument("--stats", action="store_true", help="print the graph's figures")
    listing.add_argument(
        "--lookups",
        type=Path,
        default=None,
        metavar="FILE",
        help="lookup set scored by --stats (default: the set for the bundled corpus)",
    )
    add_options(listing, model=False)
    listing.set_defaults(run=run_concepts)

    single = sub.add_parser(
        "concept",
        help="show one concept: aliases, broader and related concepts, nodes by source",
        description="Look up a concept by name, alias or acronym; typos, plurals and British "
        "spellings are resolved.",
    )
    single.add_argument("name", metavar="NAME", help="concept name, alias or acronym")
    add_options(single, model=False)
    single.set_defaults(run=run_concept)


def open_graph(args: argparse.Namespace) -> ConceptGraph:
    """The concept graph of the store the arguments name, built first if missing."""
    path = store_path(args)
    ensure_store(path)
    with Store(path).open() as kb:
        return ConceptGraph(kb)


def run_concepts(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    if args.stats:
        stats = graph_stats(graph, load_lookups(args.lookups))
        print_json(stats) if args.json else _print_stats(stats)
        return 0
    rows = sorted(
        (
            {
                "name": c.name,
                "nodes": len(graph.nodes_of(c.name)),
                "degree": graph.degree(c.name),
                "origin": c.origin,
                "aliases": list(c.aliases),
                "broader": list(c.broader),
            }
            for c in graph.concepts()
        ),
        key=lambda r: (-r["nodes"], r["name"]),
    )[: args.limit]
    if args.json:
        print_json({"concepts": rows})
        return 0
    for row in rows:
        aliases = f"  ({', '.join(row['aliases'][:4])})" if row["aliases"] else ""
        print(f"{row['nodes']:4d}  {row['name']}{aliases}")
    print(f"{len(rows)} of {len(graph.concepts())} concepts")
    return 0


def run_concept(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    if not graph.concepts():
        raise QagraphError(
            f"the store at {store_path(args)} has no concepts (it was built before concept "
            "extraction existed); rebuild it with `qagraph ingest`"
        )
    found = graph.resolve(args.name)
    card = concept_card(graph, found.name)
    card.update(query=args.name, matched=found.matched, how=found.how)
    card["alternatives"] = list(found.alternatives)
    if args.json:
        print_json(card)
    else:
        _print_card(graph, card)
    return 0


def concept_card(graph: ConceptGraph, name: str) -> dict[str, Any]:
    """The JSON document of `qagraph concept NAME --json` for a resolved name."""
    concept = graph.concept(name)
    related = graph.related(name)
    return {
        "name": concept.name,
        "aliases": list(concept.aliases),
        "origin": concept.origin,
        "broader": graph.broader(name),
        "narrower": graph.narrower(name),
        "related": [n for n, _ in related],
        "related_weights": {n: round(w, 4) for n, w in related},
        "nodes": graph.nodes_of(name),
        "by_source": graph.by_source(name),
    }


def _print_card(graph: ConceptGraph, card: dict[str, Any]) -> None:
    via = "" if card["how"] == "name" else f"; matched {card['matched']!r} ({card['how']})"
    print(f"{card['name']}  [{card['origin']}; {len(card['nodes'])} nodes{via}]")
    if card["alternatives"]:
        print(f"  also named so: {', '.join(card['alternatives'])}")
    for label in ("aliases", "broader", "narrower"):
        if card[label]:
            print(f"  {label}: {', '.join(card[label])}")
    if card["related"]:
        shown = card["related"][:_RELATED_SHOWN]
        weights = card["related_weights"]
        print("  related: " + ", ".join(f"{n} ({weights[n]:.2f})" for n in shown))
    for source, ids in card["by_source"].items():
        print(f"  {source}")
        for node in (graph.kb.node(i) for i in ids):
            number = f" #{node.number}" if node.number else ""
            where = node.location or f"L{node.line_start}-{node.line_end}"
            print(f"    {where}{number}: {node.question}")


def _print_stats(stats: dict[str, Any]) -> None:
    print(f"concepts: {stats['concepts']} ({_pairs(stats['by_origin'])})")
    print(f"nodes with a concept: {stats['nodes_with_concept']:.1%} of {stats['nodes']}")
    answered = stats["answered_with_concept"] or 0.0
    print(f"answered nodes with a concept: {answered:.1%} of {stats['answered_nodes']}")
    print(f"edges: {_pairs(stats['edges'])}")
    print("top concepts by degree:")
    for row in stats["top_by_degree"]:
        print(f"  {row['degree']:4d}  {row['name']} ({row['nodes']} nodes)")
    same = stats["same_question"]
    print(f"same-question groups: {same['groups']} ({same['linked_nodes']} nodes)")
    for group in same["largest"]:
        print(
            f"  {len(group['nodes'])} nodes in {len(group['sources'])} sources: "
            f"{group['questions'][0]}"
        )
    lookups = stats.get("lookups")
    if lookups:
        print(
            f"lookups resolved: {lookups['resolved']}/{lookups['total']} "
            f"({lookups['accuracy']:.1%}; {_pairs(lookups['by_kind'])})"
        )
        for miss in lookups["failures"]:
            print(f"  miss: {miss['query']!r} -> {miss['got']!r}, expected {miss['expected']!r}")


def _pairs(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())
