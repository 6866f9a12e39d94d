"""`qagraph graph`: the knowledge graph's size, and its export as GraphML for Gephi."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from qagraph.cli.common import add_options, print_json
from qagraph.cli.concepts_cmd import open_graph
from qagraph.errors import QagraphError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "graph",
        help="count the graph's nodes and edges, or export it as GraphML",
        description="Print the numbers of nodes and edges of each kind. With --export, also "
        "write the whole graph (sources, question/answer nodes, concepts and every edge) as "
        "GraphML, which Gephi, Cytoscape and yEd open.",
    )
    parser.add_argument("--export", type=Path, metavar="FILE", help="write GraphML to FILE")
    add_options(parser, model=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    graph = open_graph(args)
    nodes = Counter(kind for _, kind in graph.graph.nodes(data="kind"))
    edges = Counter(kind for _, _, kind in graph.graph.edges(data="kind"))
    summary = {"nodes": dict(nodes.most_common()), "edges": dict(edges.most_common())}
    if args.export is not None:
        if args.export.is_dir():
            raise QagraphError(f"{args.export} is a folder; give a file name such as graph.graphml")
        try:
            graph.export_graphml(args.export)
        except OSError as exc:
            raise QagraphError(f"cannot write {args.export}: {exc.strerror or exc}") from exc
        summary["exported"] = str(args.export)
    if args.json:
        print_json(summary)
        return 0
    print("nodes: " + ", ".join(f"{k} {v}" for k, v in summary["nodes"].items()))
    print("edges: " + ", ".join(f"{k} {v}" for k, v in summary["edges"].items()))
    if args.export is not None:
        print(f"wrote {args.export}", file=sys.stderr)
    return 0
