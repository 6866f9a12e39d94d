"""The user's contradiction lexicon files, kept in the store folder for the next ingest.

`qagraph ingest --lexicon FILE` extends the built-in contradiction lexicon; the store keeps
a copy of each file given, so that a later ingest into it (`--add`, a re-ingest, an upload
in the app) uses the same words without being told again. The copy lives beside
`CURRENT`, outside every generation, as one JSON file written atomically:

    DIR/contradiction_lexicons.json
    {"version": 1, "files": [{"path": "/home/me/my-lexicon.json", "content": "{...}"}]}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from qagraph.kb.jsonfile import read_json, write_json

logger = logging.getLogger(__name__)

LEXICONS_FILE = "contradiction_lexicons.json"


class StoreLexicons:
    """The lexicon files one store folder keeps.

    Args:
        root: The store folder (the one holding `CURRENT`).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def path(self) -> Path:
        return self.root / LEXICONS_FILE

    def load(self) -> list[tuple[str, str]]:
        """(path, content) of each kept file, in the order given; none when unreadable."""
        data = read_json(self.path, unreadable="no user lexicon is used")
        files = data.get("files", []) if isinstance(data, dict) else []
        return [
            (str(f["path"]), str(f["content"]))
            for f in files
            if isinstance(f, dict) and "path" in f and "content" in f
        ]

    def save(self, files: Iterable[tuple[str, str]]) -> None:
        """Keep these (path, content) files, replacing the ones kept before."""
        files = list(files)
        if not files:
            self.clear()
            return
        write_json(
            self.path, {"version": 1, "files": [{"path": p, "content": c} for p, c in files]}
        )

    def clear(self) -> None:
        """Forget the kept files."""
        self.path.unlink(missing_ok=True)
