"""User marks on contradiction flags: "not a conflict", kept across re-ingests.

A reader who judges a flag wrong marks it, and the flag is no longer shown (`qagraph
contradictions`, `ask`, the app's warnings and the Contradictions tab list it apart). The
marks live in one small JSON file in the store folder, beside `CURRENT` and outside every
generation, so a re-ingest keeps them:

    DIR/contradiction_marks.json
    {"version": 1, "marks": [{"a": {"source": "a.md", "question": "What is X?",
                                    "number": null},
                              "b": {...}, "kind": "antonym", "note": "", "marked": "..."}]}

A mark names the two nodes by source file and question text (normalised; the number
tells apart a question a source asks twice), never by id alone, so it still finds its
pair when ids change. The pair is unordered. The file is read and written whole, and
written atomically (a temporary file renamed over it), so a reader never sees half of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.kb.jsonfile import read_json, write_json
from qagraph.kb.records import QANode, normalize_question

logger = logging.getLogger(__name__)

MARKS_FILE = "contradiction_marks.json"
_VERSION = 1
_LOCK = threading.Lock()


class NodeRef(NamedTuple):
    """A node named by source file, question text and number (None when unnumbered)."""

    source: str
    question: str
    number: str | None = None

    @classmethod
    def of(cls, node: QANode) -> NodeRef:
        return cls(node.source, node.question, node.number)

    def key(self) -> tuple[str, str, str]:
        return (self.source, normalize_question(self.question), self.number or "")

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "question": self.question, "number": self.number}


class Mark(NamedTuple):
    """One "not a conflict" mark."""

    a: NodeRef
    b: NodeRef
    kind: str = ""
    note: str = ""
    marked: str = ""

    def key(self) -> frozenset[tuple[str, str, str]]:
        return pair_key(self.a, self.b)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "kind": self.kind,
            "note": self.note,
            "marked": self.marked,
        }


def pair_key(a: NodeRef, b: NodeRef) -> frozenset[tuple[str, str, str]]:
    """The unordered key of a node pair."""
    return frozenset((a.key(), b.key()))


def store_root(generation: Path) -> Path:
    """The store folder of a generation folder (marks live beside `CURRENT`)."""
    return generation.parent


def _ref(data: Any) -> NodeRef | None:
    if not isinstance(data, dict) or not data.get("source") or not data.get("question"):
        return None
    number = data.get("number")
    return NodeRef(
        str(data["source"]), str(data["question"]), None if number is None else str(number)
    )


class Marks:
    """The marks of one store folder.

    Args:
        root: The store folder (the one holding `CURRENT`).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def path(self) -> Path:
        return self.root / MARKS_FILE

    def load(self) -> list[Mark]:
        """Every mark; none when the file is missing. An unreadable file is logged and
        read as empty (a mark is a convenience, never a reason to fail a command)."""
        data = read_json(self.path, unreadable="no flag is marked")
        items = data.get("marks", []) if isinstance(data, dict) else []
        out = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            a, b = _ref(item.get("a")), _ref(item.get("b"))
            if a is None or b is None:
                continue
            out.append(
                Mark(
                    a,
                    b,
                    str(item.get("kind", "")),
                    str(item.get("note", "")),
                    str(item.get("marked", "")),
                )
            )
        return out

    def keys(self) -> set[frozenset[tuple[str, str, str]]]:
        """The keys of every marked pair."""
        return {m.key() for m in self.load()}

    def is_marked(self, a: QANode | NodeRef, b: QANode | NodeRef) -> bool:
        return pair_key(_as_ref(a), _as_ref(b)) in self.keys()

    def mark(
        self, a: QANode | NodeRef, b: QANode | NodeRef, *, kind: str = "", note: str = ""
    ) -> Mark:
        """Mark a pair as not a conflict (again: the note and time are updated)."""
        mark = Mark(
            _as_ref(a),
            _as_ref(b),
            kind,
            note,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        with _LOCK:
            kept = [m for m in self.load() if m.key() != mark.key()]
            self._write([*kept, mark])
        return mark

    def unmark(self, a: QANode | NodeRef, b: QANode | NodeRef) -> bool:
        """Remove the mark of a pair; False when it was not marked."""
        key = pair_key(_as_ref(a), _as_ref(b))
        with _LOCK:
            marks = self.load()
            kept = [m for m in marks if m.key() != key]
            if len(kept) == len(marks):
                return False
            self._write(kept)
        return True

    def _write(self, marks: Iterable[Mark]) -> None:
        write_json(self.path, {"version": _VERSION, "marks": [m.to_json() for m in marks]})


def _as_ref(node: QANode | NodeRef) -> NodeRef:
    return node if isinstance(node, NodeRef) else NodeRef.of(node)
