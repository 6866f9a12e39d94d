"""`qagraph bench`: time model load, ingest, index builds and queries; report peak memory.

Three more modes: `--scale N` (ingest of an N-question corpus made from the real ones,
stage by stage), `--app N` (N concurrent chat requests through the Gradio API of a
`qagraph serve` started for the purpose) and, always, the cost of one answer against its
floor with and without the thread limits of `qagraph.runtime`.
"""

from __future__ import annotations

import argparse
import sys

from qagraph.cli.common import add_options, model_name, positive_int, print_json
from qagraph.errors import QagraphError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure speed and memory of ingest and retrieval",
        description="Build throw-away stores from the bundled corpus (or PATH) in a temporary "
        "folder and print a table: model load time, ingest time with a cold and a warm "
        "vector cache, index build times, query latency p50/p95 per retrieval variant, the "
        "cost of one answer against its floor (the model encoding the question plus a FAISS "
        "flat search) stage by stage, with numpy's and FAISS's thread pools limited to one "
        "thread, at their defaults, and with torch on one thread too, how often a question "
        "is embedded in several wordings, and peak resident memory. Your store is not "
        "touched. The load average is printed beside the figures: other work on the "
        "machine skews them.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="documents (default: bundled); with --scale, the documents the corpus is made "
        "from (default: the bundled and the evaluation corpora)",
    )
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
    parser.add_argument(
        "--no-thread-limits",
        action="store_true",
        help="run everything with numpy's BLAS and FAISS's OpenMP at their default pool "
        "sizes instead of the one thread each the CLI sets (the answer cost is then "
        "measured that way only)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--scale",
        type=positive_int,
        default=None,
        metavar="N",
        help="instead: write N questions made from the bundled and evaluation corpora "
        "(paired questions, swapped sentences, shifted numbers, section prefixes) as "
        "markdown into a temporary folder, ingest them cold and print each stage's time, "
        "model share, peak memory and complexity, the store size and ask p50/p95",
    )
    mode.add_argument(
        "--app",
        type=positive_int,
        default=None,
        metavar="N",
        help="instead: start `qagraph serve` on a free loopback port with a store built "
        "from the bundled corpus and send N chat requests at once through the Gradio API; "
        "print how many were answered and their latency p50/p95",
    )
    parser.add_argument(
        "--bare-encode",
        action="store_true",
        help="with --scale: also time a bare sentence-transformers encode of the texts the "
        "ingest embedded (texts/s against the ingest's)",
    )
    add_options(parser, store=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from qagraph.eval.bench_threads import THREAD_MODES, set_thread_pools

    if args.bare_encode and args.scale is None:
        raise QagraphError("--bare-encode needs --scale N")
    if args.app is not None and args.paths:
        raise QagraphError("--app serves a store built from the bundled corpus; give no PATH")
    modes = ("default",) if args.no_thread_limits else THREAD_MODES
    set_thread_pools(modes[0])
    if args.scale is not None:
        from qagraph.eval.bench_scale import format_scale, run_scale
        from qagraph.eval.scale_corpus import load_seeds

        seeds = load_seeds([Path(p) for p in args.paths]) if args.paths else None
        if seeds is not None and not seeds:
            raise QagraphError("no answered questions found in the given PATHs")
        report = run_scale(
            args.scale,
            model=model_name(args),
            n_queries=max(1, args.queries),
            seeds=seeds,
            bare_encode=args.bare_encode,
            progress=not args.json,
        )
        report["thread_mode"] = modes[0]
        text = format_scale
    elif args.app is not None:
        from qagraph.eval.bench_app import format_app, run_app

        report = run_app(args.app, model=model_name(args), log=sys.stderr)
        text = format_app
    else:
        from qagraph.eval.bench import run_bench
        from qagraph.eval.bench_tables import format_table

        report = run_bench(
            model=model_name(args),
            paths=[Path(p) for p in args.paths] or None,
            n_queries=max(1, args.queries),
            synthetic=max(0, args.synthetic),
            thread_modes=modes,
        )
        text = format_table
    if args.json:
        print_json(report)
    else:
        print(text(report))
    return 0
