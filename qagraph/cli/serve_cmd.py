"""`qagraph serve`: start the Gradio app (chat, concepts, contradictions, evaluation, sources)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys

from qagraph.cli.common import add_options, prepared_store
from qagraph.errors import QagraphError

logger = logging.getLogger(__name__)

AUTH_ENV = "QAGRAPH_AUTH"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be between 1 and 65535, not {value}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve",
        help="start the chat app in the browser",
        description="Start the Gradio app: chat with cited answers, concept search, "
        "contradictions, the evaluation dashboard and document upload. It listens on "
        "127.0.0.1 only unless --host says otherwise. The store is built from the bundled "
        "corpus when missing.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=_port, default=7860, help="TCP port (default 7860)")
    parser.add_argument(
        "--auth",
        default=None,
        metavar="USER:PASSWORD",
        help=f"require this login (default: ${AUTH_ENV} if set, which keeps the password "
        "out of the process list)",
    )
    add_options(parser, json=False)
    parser.set_defaults(run=run)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    from qagraph.ui.app import launch, parse_auth
    from qagraph.ui.state import AppState

    try:
        auth = parse_auth(args.auth or os.environ.get(AUTH_ENV, "").strip() or None)
    except ValueError as exc:
        raise QagraphError(str(exc)) from None
    if not _is_loopback(args.host) and auth is None:
        print(
            f"qagraph: warning: listening on {args.host} without --auth: anyone who can reach "
            "this machine can read the knowledge base and add documents",
            file=sys.stderr,
        )
    path = prepared_store(args)
    print(f"qagraph: loading the store at {path}", file=sys.stderr)
    state = AppState(path)
    try:
        demo, _, url = launch(
            state, host=args.host, port=args.port, auth=auth, prevent_thread_lock=True, quiet=True
        )
    except OSError as exc:
        raise QagraphError(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    # Gradio's own banner suggests a public share link, which this app never opens.
    print(f"qagraph: serving {url} (press Ctrl-C to stop)", file=sys.stderr)
    if demo is not None:
        demo.block_thread()
    return 0


__all__ = ["add_parser", "run"]
