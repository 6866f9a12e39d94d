"""`qagraph ingest [PATH ...]`: build the store from documents."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from qagraph.cli.common import add_options, encoder_config, print_json, store_path
from qagraph.ingest.contradictions.lexicon import read_lexicon_files, with_lexicon_files
from qagraph.ingest.pipeline import (
    DEFAULT_MAX_ANSWER_CHARS,
    DEFAULT_MAX_FILE_MB,
    IngestConfig,
    ingest,
    resolve_build_config,
)
from qagraph.ingest.readers import SUPPORTED_TYPES
from qagraph.kb.lexicons import StoreLexicons


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ingest",
        help="read Q&A documents and build the store",
        description=f"Read Q&A documents ({SUPPORTED_TYPES}; folders are searched "
        "recursively; web pages by their http:// or https:// URL), split them into "
        "question/answer nodes and write the store. Without PATH, the bundled corpus is "
        "ingested.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, folders, or URLs of web pages (kept in the store as fetched, cited by URL)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch every URL again; by default a page the store already holds is read from "
        "the copy it keeps",
    )
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
        "with a built-in name replaces it; may be repeated; replaces the glossaries the store "
        "was built with",
    )
    parser.add_argument(
        "--default-glossary",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="use (or, with --no-default-glossary, leave out) the built-in glossary; default: "
        "as the store was built, else use it",
    )
    parser.add_argument(
        "--lexicon",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="contradiction lexicon (JSON) extending the built-in one: opposite terms, "
        "amount words, universal and fallible phrases; may be repeated; the store keeps a "
        "copy for its next ingests",
    )
    parser.add_argument(
        "--reset-settings",
        action="store_true",
        help="forget the settings the store was built with (model, glossaries, concept "
        "settings): use the defaults and this command's options",
    )
    parser.add_argument(
        "--max-file-mb",
        type=megabytes,
        default=DEFAULT_MAX_FILE_MB,
        metavar="MB",
        help=f"skip documents larger than MB megabytes (1 MB = 1,000,000 bytes; default "
        f"{DEFAULT_MAX_FILE_MB:g}); answers longer than {DEFAULT_MAX_ANSWER_CHARS:,} characters "
        "are stored cut, with a warning",
    )
    add_options(parser)
    parser.set_defaults(run=run)


def _lexicons(args: argparse.Namespace, config: IngestConfig):
    """The configuration with the user's lexicon files: those given, else the store's."""
    if args.lexicon:
        files = read_lexicon_files(args.lexicon)
    elif args.reset_settings:
        files = []
    else:
        files = StoreLexicons(store_path(args)).load()
        if files:
            names = ", ".join(Path(p).name for p, _ in files)
            print(f"qagraph: using the store's contradiction lexicon {names}", file=sys.stderr)
    return with_lexicon_files(config, files), files


def megabytes(text: str) -> float:
    """An argparse type: a number of megabytes above 0, such as 10 or 0.5."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value * 1_000_000 < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number of megabytes above 0, such as {DEFAULT_MAX_FILE_MB:g} or 0.5, "
            f"not {text!r}"
        )
    return value


def run(args: argparse.Namespace) -> int:
    base = IngestConfig(
        encoder=encoder_config(args),
        # Not into a log file or pipe, where each redraw would be one more line.
        progress=not args.no_progress and not args.json and sys.stderr.isatty(),
        max_file_mb=args.max_file_mb,
    )
    # The store's own settings, unless given on this command (--model, not $QAGRAPH_MODEL,
    # which only picks the model of a new store, as for `ask`).
    config, notes = resolve_build_config(
        store_path(args),
        base,
        model=args.model,
        glossary_paths=[str(p) for p in args.glossary] or None,
        builtin_glossary=args.default_glossary,
        reuse=not args.reset_settings,
    )
    for note in notes:
        print(f"qagraph: {note}", file=sys.stderr)
    config, lexicons = _lexicons(args, config)
    result = ingest(
        args.paths or None,
        store=store_path(args),
        config=config,
        add=args.add,
        refresh=args.refresh,
    )
    for note in result.notes:
        print(f"qagraph: {note}", file=sys.stderr)
    if result.ok and (args.lexicon or args.reset_settings):
        StoreLexicons(store_path(args)).save(lexicons)
    if args.json:
        print_json(
            {
                "store": str(result.store),
                "nodes": result.nodes,
                "files": [r._asdict() for r in result.reports],
                "problems": result.problems,
                "notes": list(result.notes),
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
        # A user mistake (no readable Q&A document among the paths): exit status 2, as for
        # every user mistake; the previous store is left as it was.
        print("qagraph: error: nothing could be ingested", file=sys.stderr)
        return 2
    return 0
