"""Options and output helpers shared by the commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qagraph.encoders import EncoderConfig
from qagraph.ingest.ensure import ensure_store
from qagraph.kb import default_store_path

if TYPE_CHECKING:
    from qagraph.retrieval import Retriever

MODEL_ENV = "QAGRAPH_MODEL"


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


def add_options(
    parser: argparse.ArgumentParser, *, store: bool = True, model: bool = True, json: bool = True
) -> None:
    """The options most commands share, in this order: --store, --model, --json."""
    if store:
        add_store_option(parser)
    if model:
        add_model_option(parser)
    if json:
        add_json_option(parser)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {value}")
    return value


def store_path(args: argparse.Namespace) -> Path:
    return Path(args.store) if args.store is not None else default_store_path()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def print_result(args: argparse.Namespace, result: Any, format_text: Callable[[Any], str]) -> None:
    """`result.to_json()` as one JSON document with --json, else `format_text(result)`."""
    if args.json:
        print_json(result.to_json())
    else:
        print(format_text(result))


def add_model_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        default=None,
        metavar="NAME",
        help=f"embedding model: all-MiniLM-L6-v2 (default, from ${MODEL_ENV} if set), "
        "another sentence-transformers name or directory, or 'hashing' (a fast fake for tests)",
    )


def model_name(args: argparse.Namespace) -> str | None:
    """The model named by --model, else by $QAGRAPH_MODEL, else None (the default)."""
    name = getattr(args, "model", None) or os.environ.get(MODEL_ENV, "").strip()
    return name or None


def encoder_config(args: argparse.Namespace) -> EncoderConfig:
    """The encoder configuration the command line asks for."""
    name = model_name(args)
    return EncoderConfig(model=name) if name else EncoderConfig()


def prepared_store(args: argparse.Namespace) -> Path:
    """The store the arguments name, built with their model first if missing."""
    path = store_path(args)
    ensure_store(path, encoder=encoder_config(args))
    return path


def open_retriever(args: argparse.Namespace) -> Retriever:
    """A retriever on the store the arguments name, built first if missing.

    Without --model the store's own model is used, whatever $QAGRAPH_MODEL says.
    """
    from qagraph.encoders import load_encoder
    from qagraph.retrieval import Retriever

    path = store_path(args)
    config = encoder_config(args)
    ensure_store(path, encoder=config)
    encoder = load_encoder(config) if getattr(args, "model", None) else None
    return Retriever.open(path, encoder=encoder)
