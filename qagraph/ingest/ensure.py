"""Build a store from the bundled corpus on first use, for commands and the app."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from qagraph.encoders import EncoderConfig
from qagraph.kb import Store

logger = logging.getLogger(__name__)


def ensure_store(path: Path, *, encoder: EncoderConfig | None = None) -> None:
    """Build the store at `path` from the bundled corpus when there is none yet.

    Progress goes to stderr, so a command's --json output stays one document.
    """
    store = Store(path)
    if store.exists:
        return
    store.check_path()
    from qagraph.ingest.pipeline import IngestConfig, ingest

    print(f"qagraph: no store at {path}; building it from the bundled corpus", file=sys.stderr)
    config = IngestConfig(encoder=encoder or EncoderConfig(), progress=sys.stderr.isatty())
    result = ingest(None, store=path, config=config)
    print(f"qagraph: stored {result.nodes} nodes in {result.store}", file=sys.stderr)
