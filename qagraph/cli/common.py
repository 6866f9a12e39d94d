"""Options and output helpers shared by the commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from qagraph.kb import default_store_path


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="DIR",
        help="store folder (default: $QAGRAPH_STORE, else ~/.local/share/qagraph/store)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document on stdout and nothing else"
    )


def store_path(args: argparse.Namespace) -> Path:
    return Path(args.store) if args.store is not None else default_store_path()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
