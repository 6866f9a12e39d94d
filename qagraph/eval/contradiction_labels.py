"""The labelled contradiction set: its pairs, reading them, and the nodes they name.

One JSON object per line: `a` and `b`, each `{"source", "question"}` (plus `"number"` where
a source asks the same question twice), naming nodes by source file and question text so
that the set survives re-ingests; `label` (true when the two answers contradict each
other); `kind` for a true pair; and `reason`, one line saying why.
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase
from qagraph.kb.records import normalize_question

logger = logging.getLogger(__name__)

KINDS = ("negation", "antonym", "number", "quantifier", "divergent")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


class LabelledSetError(QagraphError):
    """The labelled contradiction set is malformed or does not match the knowledge base."""


class PairRef(NamedTuple):
    """A node named by source file, question text and, if needed, its number."""

    source: str
    question: str
    number: str | None = None


class LabelledPair(NamedTuple):
    """One judged candidate pair."""

    a: PairRef
    b: PairRef
    label: bool
    kind: str | None
    reason: str


def default_labelled_path() -> Path:
    """The labelled set shipped with qagraph (pairs from the bundled corpus)."""
    return Path(str(resources.files("qagraph") / "data" / "eval" / "contradictions.jsonl"))


def _ref(data: Any, where: str) -> PairRef:
    if not isinstance(data, dict) or not data.get("source") or not data.get("question"):
        raise LabelledSetError(f"{where}: needs an object with 'source' and 'question'")
    number = data.get("number")
    return PairRef(
        str(data["source"]), str(data["question"]), None if number is None else str(number)
    )


def load_labelled(path: str | Path | None = None) -> list[LabelledPair]:
    """Read a labelled set (default: the shipped one).

    Raises:
        LabelledSetError: When the file is missing or a line is malformed.
    """
    path = Path(path) if path is not None else default_labelled_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelledSetError(f"cannot read the labelled set {path}: {exc}") from exc
    pairs = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledSetError(f"{where}: not JSON: {exc}") from exc
        label, kind = data.get("label"), data.get("kind")
        if not isinstance(label, bool):
            raise LabelledSetError(f"{where}: 'label' must be true or false")
        if label and kind not in KINDS:
            raise LabelledSetError(f"{where}: a true pair needs a 'kind' in {', '.join(KINDS)}")
        pairs.append(
            LabelledPair(
                _ref(data.get("a"), f"{where} a"),
                _ref(data.get("b"), f"{where} b"),
                label,
                kind if label else None,
                str(data.get("reason", "")),
            )
        )
    return pairs


def _norm(text: str) -> str:
    return normalize_question(text.translate(_QUOTES))


def resolve(kb: KnowledgeBase, ref: PairRef) -> str:
    """The id of the node a reference names.

    Raises:
        LabelledSetError: When no node, or more than one, matches.
    """
    wanted = _norm(ref.question)
    found = [
        n.id
        for n in kb.nodes(source=ref.source)
        if _norm(n.question) == wanted and (ref.number is None or n.number == ref.number)
    ]
    if len(found) != 1:
        problem = "no node" if not found else "several nodes (add 'number')"
        raise LabelledSetError(f"{problem} for {ref.source}: {ref.question!r}")
    return found[0]
