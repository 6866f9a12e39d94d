"""Numbered runs: which top-level numbered items of a document count on from one another.

A document numbers its questions 1, 2, 3, ... while answers hold numbered lists of their
own, often written flush left ("1. Load the data.") so that they look like top-level
items. Grouping every item with the run it continues tells the two apart: a run that
another run resumes after is nested inside an item of that other run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qagraph.ingest.split import cues
from qagraph.ingest.split.lines import Kind, Line

_MARKER = re.compile(r"^\s*([*_]{2})?\d{1,3}(?:[*_]{2})?([.)])")


@dataclass
class Run:
    """Consecutively numbered top-level items.

    Attributes:
        items: 0-based line indexes of the items.
        numbers: Their numbers.
        nested: True when an earlier run continues after this one (a list in an answer).
        verdict: Whether the items are questions, once the splitter has judged it.
        styles: Each item's marker style (bold or not, '.' or ')').
        scores: Each item's question score.
    """

    items: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    nested: bool = False
    verdict: bool | None = None
    styles: list[tuple[str, str]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    tight: list[bool] = field(default_factory=list)


def _style(line: Line) -> tuple[str, str]:
    """The item marker's look: bold or not, '.' or ')'."""
    m = _MARKER.match(line.raw)
    return (m.group(1) or "", m.group(2)) if m else ("", "")


def numbered_runs(lines: list[Line]) -> tuple[list[Run], dict[int, int]]:
    """Group top-level numbered items (indent 0 or 1) into runs.

    Returns:
        The runs in order of their first item, and for each item's line index its run.
    """
    runs: list[Run] = []
    run_of: dict[int, int] = {}
    for ln in lines:
        if ln.kind is not Kind.NUMBERED or ln.indent > 1:
            continue
        n = int(ln.number or 0)
        style, score = _style(ln), cues.question_score(ln.title)
        tight = _is_tight(lines, ln)
        open_runs = [r for r in range(len(runs)) if runs[r].numbers[-1] == n - 1]
        if not open_runs:
            runs.append(Run())
            target = len(runs) - 1
        else:
            target = min(open_runs, key=lambda r: _distance(runs[r], r, style, score, tight))
            for later in runs[target + 1 :]:
                later.nested = True  # an earlier run continues after it
        run = runs[target]
        run.items.append(ln.idx)
        run.numbers.append(n)
        run.styles.append(style)
        run.scores.append(score)
        run.tight.append(tight)
        run_of[ln.idx] = target
    return runs, run_of


def _is_tight(lines: list[Line], item: Line) -> bool:
    """An item followed directly by the next item, with nothing of its own between."""
    j = item.idx + 1
    while j < len(lines) and lines[j].blank:
        j += 1
    return j < len(lines) and lines[j].kind is Kind.NUMBERED and lines[j].indent <= 1


def _distance(run: Run, position: int, style: tuple[str, str], score: float, tight: bool) -> tuple:
    """How unlike the run an item is; ties go to the most recent run.

    When two runs could both take the next number (a question list at 3 and the flush-left
    step list inside answer 3), the item belongs with the run it looks like: the same
    marker style, items with bodies among items with bodies rather than among items that
    follow one another line by line, and a question among questions rather than among
    statements. Only a
    clear difference counts: item titles vary, and most often the latest run is right.
    """
    same_style = sum(s == style for s in run.styles) / len(run.styles)
    question_share = sum(s >= 0.7 for s in run.scores) / len(run.scores)
    unlike_question = abs(question_share - (score >= 0.7)) > 0.5
    # A step list inside an answer is tight (item after item); questions hold answers.
    tight_share = sum(run.tight) / len(run.tight)
    unlike_tight = abs(tight_share - tight) > 0.5
    return (same_style < 0.5, unlike_tight, unlike_question, -position)
