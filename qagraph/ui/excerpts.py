"""The original lines behind a citation, read from the ingested file.

A node's answer is the splitter's markdown; the excerpt is what the file says at the cited
lines, so a reader can check the quotation against its source. Files are read lazily and
remembered while their size and modification time stay the same.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path
from typing import NamedTuple

from qagraph.kb import KnowledgeBase

logger = logging.getLogger(__name__)

MAX_EXCERPT_LINES = 60


class Excerpt(NamedTuple):
    """Numbered lines of a source file.

    Attributes:
        lines: (1-based line number, text) pairs.
        truncated: Lines of the range left out after the first `MAX_EXCERPT_LINES`.
        note: Why the excerpt may not match the citation ("" when it does).
    """

    lines: list[tuple[int, str]]
    truncated: int = 0
    note: str = ""


def excerpt(kb: KnowledgeBase, source: str, start: int, end: int) -> Excerpt | None:
    """Lines `start`..`end` (1-based, inclusive) of an ingested source, or None if unreadable.

    Args:
        kb: The knowledge base naming the source's path, hash and encoding.
        source: The source name as cited.
        start: First line.
        end: Last line.
    """
    doc = next((s for s in kb.sources() if s.name == source), None)
    if doc is None:
        return None
    path = Path(doc.path)
    try:
        stat = path.stat()
        text, digest = _read(str(path), stat.st_size, stat.st_mtime_ns, doc.encoding)
    except (OSError, LookupError) as exc:
        logger.info("cannot read %s for an excerpt: %s", path, exc)
        return None
    lines = text.splitlines()
    start = max(1, start)
    end = min(len(lines), max(start, end))
    wanted = list(range(start, end + 1))
    shown = wanted[:MAX_EXCERPT_LINES]
    note = "" if digest == doc.sha256 else "the file has changed since it was ingested"
    return Excerpt([(n, lines[n - 1]) for n in shown], len(wanted) - len(shown), note)


@functools.lru_cache(maxsize=64)
def _read(path: str, size: int, mtime_ns: int, encoding: str) -> tuple[str, str]:
    # size and mtime are part of the cache key, so an edited file is read again.
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        return data.decode(encoding), digest
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), digest


def file_changed(path: str | os.PathLike[str], sha256: str) -> bool | None:
    """Whether the file's bytes differ from `sha256`; None when it cannot be read."""
    try:
        stat = Path(path).stat()
        return _read(str(path), stat.st_size, stat.st_mtime_ns, "utf-8")[1] != sha256
    except OSError:
        return None
