"""`qagraph ingest [PATH ...]`: build the store from documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qagraph.cli.common import add_options, encoder_config, print_json, store_path
from qagraph.ingest.concepts import ConceptConfig, load_glossary
from qagraph.ingest.graph import GraphConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ingest.readers import SUPPORTED_TYPES


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ingest",
        help="read Q&A documents and build the store",
        description=f"Read Q&A documents ({SUPPORTED_TYPES}; folders are searched "
        "recursively), split them into question/answer nodes and write the store. Without "
        "PATH, the bundled corpus is ingested.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    parser.add_argument(
        "--add", action="store_true", help="keep the store's other sources instead of replacing"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument(
        "--glossary",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="concept glossary (JSON) extending the built-in machine-learning one; an entry "
        "with a built-in name replaces it; may be repeated",
    )
    parser.add_argument(
        "--no-default-glossary",
        action="store_true",
        help="leave out the built-in glossary (use only --glossary files, if any)",
    )
    add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    glossaries = tuple(str(p) for p in args.glossary)
    builtin = not args.no_default_glossary
    load_glossary(glossaries, builtin=builtin)  # a bad file fails now, not after the model loads
    concepts = ConceptConfig(glossary_paths=glossaries, builtin_glossary=builtin)
    config = IngestConfig(
        encoder=encoder_config(args),
        # Not into a log file or pipe, where each redraw would be one more line.
        progress=not args.no_progress and not args.json and sys.stderr.isatty(),
        graph=GraphConfig(concepts=concepts),
    )
    result = ingest(args.paths or None, store=store_path(args), config=config, add=args.add)
    if args.json:
        print_json(
            {
                "store": str(result.store),
                "nodes": result.nodes,
                "files": [r._asdict() for r in result.reports],
                "problems": result.problems,
            }
        )
    else:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        for report in result.reports:
            print(report.line(), file=sys.stdout if report.error is None else sys.stderr)
        if result.ok:
            print(f"stored {result.nodes} nodes in {result.store}")
    if not result.ok:
        print("qagraph: error: nothing could be ingested", file=sys.stderr)
        return 1
    return 0
