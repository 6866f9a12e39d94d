"""The `qagraph` command line: one module per command, each with `add_parser` and `run`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from qagraph import __version__
from qagraph.cli import (
    ask_cmd,
    bench_cmd,
    compare_cmd,
    concepts_cmd,
    contradictions_cmd,
    eval_cmd,
    graph_cmd,
    ingest_cmd,
    inspect_cmd,
    nodes_cmd,
    serve_cmd,
)
from qagraph.errors import QagraphError
from qagraph.runtime import configure_threads

COMMANDS = (
    ingest_cmd,
    inspect_cmd,
    nodes_cmd,
    ask_cmd,
    concepts_cmd,
    graph_cmd,
    contradictions_cmd,
    compare_cmd,
    eval_cmd,
    serve_cmd,
    bench_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qagraph",
        description="Knowledge-graph Q&A over question-and-answer documents.",
    )
    parser.add_argument("--version", action="version", version=f"qagraph {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `qagraph` console script; returns the exit status."""
    # Nothing may be downloaded at run time: models come from installed packages or paths.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _tolerate_undecodable_text()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    configure_threads()
    try:
        return int(args.run(args) or 0)
    except QagraphError as exc:
        print(f"qagraph: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qagraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `qagraph concepts | head`: the reader left early. Point stdout at /dev/null so the
        # flush at exit does not fail a second time, and exit as a SIGPIPE'd tool would.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _tolerate_undecodable_text() -> None:
    """Undecodable bytes on stdin (`ask -` fed a cp1252 file) and unencodable characters
    on stdout (a non-UTF-8 byte in a file name or argument, an answer's arrow on a legacy
    console) become replacement characters instead of a UnicodeError traceback."""
    for stream in (sys.stdin, sys.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # closed, or already read from: leave it
                pass


if __name__ == "__main__":
    sys.exit(main())
