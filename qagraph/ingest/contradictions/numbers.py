"""Numeric disagreement: two claims giving different numbers for the same quantity.

A number counts only with what it measures: its unit or the word after it ("12 hours",
"85% accuracy", "$200K a month"), or failing that the word before it ("accuracy of 85").
Names that carry digits ("L1", "F1", "3x3", "2D") are not numbers. Two claims disagree
when, for one quantity, neither gives a value the other gives: a range that includes the
other's value ("0 and 1 or -1 and 1" against "0-1") is agreement.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import NamedTuple

from qagraph.ingest.contradictions.rules import Features, Finding, same_subject
from qagraph.ingest.contradictions.words import content_key, is_content, normalize_text, tokens

logger = logging.getLogger(__name__)

_NUMBER_RE = re.compile(
    r"(?<![\w.\-])(?P<neg>-(?=\d))?(?<![\w.])(?P<cur>[$\u20ac\u00a3])?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?P<mult>\s?(?:k|bn|thousand|million|billion)\b)?(?P<pct>\s?%)?(?![a-z0-9])"
)
_DIGIT_RANGE_RE = re.compile(r"(\d)-(\d)")
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "million": 1e6, "bn": 1e9, "billion": 1e9}
# A bare four-digit number in this range is a year: two years in two claims are about two
# events far more often than two answers to one question.
_YEARS = (1900, 2100)
_RANGE_WORDS = frozenset({"and", "to", "or", "up", "from", "between", "-"})
_PUNCT_RE = re.compile(r"[,;:()\[\]!?]|\.(?!\d)")


class Quantity(NamedTuple):
    """A number, what it measures, and the run ("between 0 and 1") it belongs to."""

    value: float
    key: str
    run: int


def _unit_after(rest: str) -> str:
    clause = _PUNCT_RE.split(rest, maxsplit=1)[0]
    for tok in tokens(clause)[:3]:
        if is_content(tok):
            return content_key(tok)
    return ""


def _unit_before(head: str) -> str:
    # A table cell reads "entity, attribute: value": the attribute before the colon is
    # what the value measures.
    clause = _PUNCT_RE.split(head.replace(":", " "))[-1]
    for tok in reversed(tokens(clause)[-3:]):
        if is_content(tok):
            return content_key(tok)
    return ""


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Numbers joined only by range words ("between 0 and 1", "2 to 10") form one run."""
    runs: list[list[re.Match[str]]] = []
    for m in _NUMBER_RE.finditer(text):
        if runs:
            gap = text[runs[-1][-1].end() : m.start()]
            if all(t in _RANGE_WORDS for t in tokens(gap)) and not _PUNCT_RE.search(gap):
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


@functools.lru_cache(maxsize=65536)
def quantities(text: str) -> tuple[Quantity, ...]:
    """The numbers of a claim with the key of what they measure (cached by text)."""
    text = normalize_text(text).replace("\u2013", " - ").replace("\u2014", " - ")
    text = _DIGIT_RANGE_RE.sub(r"\1 - \2", text)  # "2-10 hours" is a range, not -10
    out = []
    for n_run, run in enumerate(_runs(text)):
        unit = _unit_after(text[run[-1].end() :]) or _unit_before(text[: run[0].start()])
        for m in run:
            value = float(m.group("num").replace(",", ""))
            if m.group("neg"):
                value = -value
            mult = (m.group("mult") or "").strip()
            value *= _MULTIPLIERS.get(mult, 1.0)
            pct, cur = bool(m.group("pct")), m.group("cur") or run[0].group("cur") or ""
            if not (pct or cur or mult) and value.is_integer() and _YEARS[0] <= value <= _YEARS[1]:
                continue
            key = f"{cur}{'%' if pct else unit}"
            if key:
                out.append(Quantity(value, key, n_run))
    return tuple(out)


def _same(x: float, y: float) -> bool:
    return abs(x - y) <= 0.01 * max(abs(x), abs(y), 1e-9)


def _within(small: list[float], big: list[float]) -> bool:
    return all(any(_same(x, y) for y in big) for x in small)


def _relative(x: float, y: float) -> float:
    return abs(x - y) / max(abs(x), abs(y), 1e-9)


def _distance(xs: list[float], ys: list[float]) -> float:
    """Largest relative gap from a value of either run to the nearest value of the other."""
    one = max(min(_relative(x, y) for y in ys) for x in xs)
    other = max(min(_relative(y, x) for x in xs) for y in ys)
    return max(one, other)


def _show(values: list[float]) -> str:
    return "-".join(f"{v:g}" for v in values)


def _runs_of(found: tuple[Quantity, ...], key: str) -> list[list[float]]:
    runs: dict[int, list[float]] = {}
    for q in found:
        if q.key == key:
            runs.setdefault(q.run, []).append(q.value)
    return list(runs.values())


def numeric(
    text_a: str, text_b: str, a: Features, b: Features, min_overlap: float
) -> Finding | None:
    """Different values for the same quantity in two claims about the same thing.

    A run of numbers ("between 0 and 1 or -1 and 1") agrees with another run when one
    holds every value of the other; two claims disagree on a quantity when none of their
    runs agree.

    Args:
        text_a: One claim.
        text_b: The other claim.
        a: Features of `text_a`.
        b: Features of `text_b`.
        min_overlap: Least content-word Jaccard for the claims to be about the same thing.

    Returns:
        A "number" finding whose strength grows with the relative difference, or None.
    """
    qa, qb = quantities(text_a), quantities(text_b)
    if not qa or not qb or not same_subject(a, b, min_overlap):
        return None
    best: tuple[float, str] | None = None
    for key in sorted({q.key for q in qa} & {q.key for q in qb}):
        runs_a, runs_b = _runs_of(qa, key), _runs_of(qb, key)
        if any(_within(x, y) or _within(y, x) for x in runs_a for y in runs_b):
            continue
        diff, x, y = min((_distance(x, y), x, y) for x in runs_a for y in runs_b)
        if best is None or diff > best[0]:
            best = (diff, f"{key}: {_show(x)} / {_show(y)}")
    if best is None:
        return None
    return Finding("number", 0.6 + 0.3 * min(1.0, best[0] * 2), best[1])
