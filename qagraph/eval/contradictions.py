"""The labelled contradiction set and the precision and recall of the flags on it.

One JSON object per line: `a` and `b`, each `{"source", "question"}` (plus `"number"` where
a source asks the same question twice), naming nodes by source file and question text so
that the set survives re-ingests; `label` (true when the two answers contradict each
other); `kind` for a true pair; and `reason`, one line saying why.

A pair counts as flagged when the store holds a `contradicts` edge between its two nodes,
in either direction; precision and recall are computed over the labelled pairs only, and
flags on pairs nobody labelled are listed apart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase
from qagraph.kb.contradictions import contradictions
from qagraph.kb.records import Contradiction, normalize_question

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


class PairOutcome(NamedTuple):
    """What the flags say about one labelled pair.

    Attributes:
        pair: The judged pair.
        a: Id of node a.
        b: Id of node b.
        flagged: True when a `contradicts` edge joins the two nodes.
        outcome: "tp", "fp", "fn" or "tn".
        flagged_kind: Kind of the flag, when flagged.
    """

    pair: LabelledPair
    a: str
    b: str
    flagged: bool
    outcome: str
    flagged_kind: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "question_a": self.pair.a.question,
            "question_b": self.pair.b.question,
            "label": self.pair.label,
            "kind": self.pair.kind,
            "flagged": self.flagged,
            "flagged_kind": self.flagged_kind,
            "outcome": self.outcome,
            "reason": self.pair.reason,
        }


class ContradictionEval(NamedTuple):
    """Precision and recall of the flags on the labelled set (None when undefined)."""

    precision: float | None
    recall: float | None
    counts: dict[str, int]
    per_pair: list[PairOutcome]
    unlabelled: list[Contradiction]

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": {"precision": self.precision, "recall": self.recall, **self.counts},
            "per_pair": [p.to_json() for p in self.per_pair],
            "unlabelled_flags": [c.to_json() for c in self.unlabelled],
        }


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


def evaluate_contradictions(
    kb: KnowledgeBase, labelled: Sequence[LabelledPair]
) -> ContradictionEval:
    """Precision and recall of the store's flags on a labelled set.

    Args:
        kb: The knowledge base, with its `contradicts` edges.
        labelled: The judged pairs.

    Returns:
        Precision (None when nothing labelled is flagged), recall (None without true pairs),
        the outcome of each pair, and the flags on pairs outside the set.
    """
    flags = {frozenset((c.a, c.b)): c for c in contradictions(kb)}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    per_pair, seen = [], set()
    for pair in labelled:
        a, b = resolve(kb, pair.a), resolve(kb, pair.b)
        key = frozenset((a, b))
        seen.add(key)
        flag = flags.get(key)
        outcome = ("tp" if flag else "fn") if pair.label else ("fp" if flag else "tn")
        counts[outcome] += 1
        per_pair.append(PairOutcome(pair, a, b, flag is not None, outcome, flag and flag.kind))
    flagged = counts["tp"] + counts["fp"]
    positives = counts["tp"] + counts["fn"]
    return ContradictionEval(
        precision=counts["tp"] / flagged if flagged else None,
        recall=counts["tp"] / positives if positives else None,
        counts=counts,
        per_pair=per_pair,
        unlabelled=[c for key, c in flags.items() if key not in seen],
    )


def format_eval(result: ContradictionEval) -> str:
    """The evaluation as text: the two rates, then one line per pair that went wrong."""

    def rate(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    c = result.counts
    lines = [
        f"contradictions: precision {rate(result.precision)}, recall {rate(result.recall)} "
        f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']}; "
        f"{len(result.per_pair)} labelled pairs)"
    ]
    for p in result.per_pair:
        if p.outcome in ("fp", "fn"):
            what = "false flag" if p.outcome == "fp" else f"missed {p.pair.kind}"
            lines.append(f"  {what}: {p.pair.a.source}: {p.pair.a.question}")
            lines.append(f"      vs {p.pair.b.source}: {p.pair.b.question}  ({p.pair.reason})")
    for flag in result.unlabelled:
        lines.append(f"  unlabelled flag ({flag.kind}): {flag.a} / {flag.b}")
    return "\n".join(lines)
