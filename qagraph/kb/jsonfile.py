"""Small JSON files kept beside a store's generations (user marks, user lexicons).

They outlive every re-ingest, so a write must never leave half a file: it goes to a
temporary file in the same folder, is flushed to disk, and replaces the old one at once.
A file that cannot be read is logged and read as missing: what these files hold is a
convenience, never a reason for a command to fail.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def read_json(path: Path, *, unreadable: str) -> Any | None:
    """The file's JSON value, or None when it is missing or unreadable.

    Args:
        path: The file.
        unreadable: What the warning says follows from an unreadable file.
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.warning("cannot read %s: %s; %s", path, exc, unreadable)
        return None


def write_json(path: Path, data: Any) -> None:
    """Write `data` to `path` atomically (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
