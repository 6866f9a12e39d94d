"""`qagraph nodes`: list the question/answer nodes in the store."""

from __future__ import annotations

import argparse

from qagraph.cli.common import add_options, print_json, store_path
from qagraph.errors import QagraphError
from qagraph.kb import Store


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("nodes", help="list the question/answer nodes")
    parser.add_argument("--source", metavar="NAME", help="only the nodes of this source file")
    add_options(parser, model=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with Store(store_path(args)).open() as kb:
        names = [s.name for s in kb.sources()]
        if args.source is not None and args.source not in names:
            raise QagraphError(
                f"no source named {args.source!r} in the store (sources: {', '.join(names)})"
            )
        nodes = kb.nodes(source=args.source)
    if args.json:
        print_json({"nodes": [n.to_json() for n in nodes]})
        return 0
    for n in nodes:
        number = f" #{n.number}" if n.number else ""
        flag = "" if n.answered else "  [unanswered]"
        where = n.location or f"L{n.line_start}-{n.line_end}"
        print(f"{n.source}{number} {where}: {n.question}{flag}")
    print(f"{len(nodes)} nodes")
    return 0
