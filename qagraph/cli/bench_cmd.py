"""`qagraph bench`: time model load, ingest, index builds and queries; report peak memory."""

from __future__ import annotations

import argparse

from qagraph.cli.common import add_options, model_name, print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure speed and memory of ingest and retrieval",
        description="Build throw-away stores from the bundled corpus (or PATH) in a temporary "
        "folder and print a table: model load time, ingest time with a cold and a warm "
        "vector cache, index build times, query latency p50/p95 per retrieval variant, and "
        "peak resident memory. Your store is not touched.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="documents (default: bundled)")
    parser.add_argument(
        "--queries", type=int, default=100, metavar="N", help="queries timed per variant"
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=0,
        metavar="N",
        help="also time flat vs HNSW FAISS indexes over N synthetic vectors (noisy copies "
        "of the corpus's own)",
    )
    add_options(parser, store=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qagraph.eval.bench import format_table, run_bench

    report = run_bench(
        model=model_name(args),
        paths=[Path(p) for p in args.paths] or None,
        n_queries=max(1, args.queries),
        synthetic=max(0, args.synthetic),
    )
    if args.json:
        print_json(report)
    else:
        print(format_table(report))
    return 0
