"""The precision and recall of the contradiction flags on the labelled set.

A pair counts as flagged when the store holds a `contradicts` edge between its two nodes,
in either direction; precision and recall are computed over the labelled pairs only, and
flags on pairs nobody labelled are listed apart. Per kind: recall over the true pairs of
that kind (flagged with any kind), precision over the labelled pairs flagged with it.

The labelled set and how it names nodes are in `qagraph.eval.contradiction_labels`; the
store of the documents the shipped set names, in `qagraph.eval.contradiction_store`.
Scoring another store skips the pairs whose sources it does not hold, and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NamedTuple

from qagraph.eval.contradiction_labels import KINDS, LabelledPair, resolve
from qagraph.kb import KnowledgeBase
from qagraph.kb.contradictions import contradictions
from qagraph.kb.records import Contradiction

logger = logging.getLogger(__name__)


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


class KindScore(NamedTuple):
    """Precision and recall of one kind (None when undefined).

    Attributes:
        kind: The kind.
        labelled: True pairs labelled with this kind.
        found: Of those, how many are flagged (with any kind).
        flagged: Labelled pairs flagged with this kind.
        correct: Of those, how many are true.
        precision: `correct / flagged`.
        recall: `found / labelled`.
    """

    kind: str
    labelled: int
    found: int
    flagged: int
    correct: int
    precision: float | None
    recall: float | None

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class ContradictionEval(NamedTuple):
    """Precision and recall of the flags on the labelled set (None when undefined)."""

    precision: float | None
    recall: float | None
    counts: dict[str, int]
    per_pair: list[PairOutcome]
    unlabelled: list[Contradiction]
    by_kind: list[KindScore] = []
    skipped: list[LabelledPair] = []

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": {"precision": self.precision, "recall": self.recall, **self.counts},
            "by_kind": {k.kind: k.to_json() for k in self.by_kind},
            "per_pair": [p.to_json() for p in self.per_pair],
            "unlabelled_flags": [c.to_json() for c in self.unlabelled],
            "skipped": [
                {"a": p.a._asdict(), "b": p.b._asdict(), "label": p.label} for p in self.skipped
            ],
        }


def evaluate_contradictions(
    kb: KnowledgeBase, labelled: Sequence[LabelledPair], *, skip_missing: bool = False
) -> ContradictionEval:
    """Precision and recall of the store's flags on a labelled set.

    Args:
        kb: The knowledge base, with its `contradicts` edges.
        labelled: The judged pairs.
        skip_missing: Leave out (and list) the pairs naming a source the store does not
            hold, instead of failing on them.

    Returns:
        Precision (None when nothing labelled is flagged), recall (None without true pairs),
        the same per kind, the outcome of each pair, and the flags on pairs outside the set.

    Raises:
        LabelledSetError: A pair names a node the store does not hold.
    """
    flags = {frozenset((c.a, c.b)): c for c in contradictions(kb, marked=None)}
    sources = {s.name for s in kb.sources()}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    per_pair, seen, skipped = [], set(), []
    for pair in labelled:
        if skip_missing and not {pair.a.source, pair.b.source} <= sources:
            skipped.append(pair)
            continue
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
        by_kind=_by_kind(per_pair),
        skipped=skipped,
    )


def _by_kind(per_pair: Sequence[PairOutcome]) -> list[KindScore]:
    out = []
    for kind in KINDS:
        true = [p for p in per_pair if p.pair.label and p.pair.kind == kind]
        flagged = [p for p in per_pair if p.flagged_kind == kind]
        found = sum(p.flagged for p in true)
        correct = sum(p.pair.label for p in flagged)
        out.append(
            KindScore(
                kind,
                len(true),
                found,
                len(flagged),
                correct,
                correct / len(flagged) if flagged else None,
                found / len(true) if true else None,
            )
        )
    return out


def format_eval(result: ContradictionEval) -> str:
    """The evaluation as text: the two rates, a line per kind, then one line per pair that
    went wrong."""

    def rate(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    c = result.counts
    lines = [
        f"contradictions: precision {rate(result.precision)}, recall {rate(result.recall)} "
        f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']}; "
        f"{len(result.per_pair)} labelled pairs)"
    ]
    if result.by_kind:
        lines.append(
            f"  {'kind':<11} {'precision':>9} {'recall':>8}  found/labelled  right/flagged"
        )
        for k in result.by_kind:
            lines.append(
                f"  {k.kind:<11} {rate(k.precision):>9} {rate(k.recall):>8}  "
                f"{k.found:>5}/{k.labelled:<8}  {k.correct:>5}/{k.flagged}"
            )
    if result.skipped:
        missing = sorted({r.source for p in result.skipped for r in (p.a, p.b)} - _held(result))
        lines.append(
            f"  skipped {len(result.skipped)} pairs whose sources the store does not hold"
            + (f": {', '.join(missing)}" if missing else "")
        )
    for p in result.per_pair:
        if p.outcome in ("fp", "fn"):
            what = "false flag" if p.outcome == "fp" else f"missed {p.pair.kind}"
            lines.append(f"  {what}: {p.pair.a.source}: {p.pair.a.question}")
            lines.append(f"      vs {p.pair.b.source}: {p.pair.b.question}  ({p.pair.reason})")
    for flag in result.unlabelled:
        lines.append(f"  unlabelled flag ({flag.kind}): {flag.a} / {flag.b}")
    return "\n".join(lines)


def _held(result: ContradictionEval) -> set[str]:
    return {r.source for p in result.per_pair for r in (p.pair.a, p.pair.b)}
