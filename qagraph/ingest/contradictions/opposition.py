"""Opposed propositions: two claims whose qualifiers about the same thing disagree.

Each qualifier (`propositions.Signal`) is keyed by its axis and what it is about, so that
"reduces overfitting" and "can lead to overfitting" meet on (amount, overfitting), and
"PCA is a feature selection method" and "feature extraction: PCA, LDA" on (feature
reduction, PCA). On a shared key the two claims conflict when they take opposite signs
("more" / "less", one pole / the other: antonym), or when one denies what the other
asserts (negation). A claim that says both on one key ("reduces bias and increases it")
says nothing there.

Keys are read together, as a reader would: "a big dataset gives low variance" and "a
small dataset gives high variance" differ on two keys and agree, while "more trees
reduce overfitting" and "more trees lead to overfitting" differ on one and disagree. So
two claims conflict when an odd number of their shared keys do. Two claims that both only
say what can happen ("can reduce", "may lead to") never conflict; a claim that something
always holds against one that it can fail ("always finds the best clustering" / "can get
stuck in a local optimum") is a quantifier conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from qagraph.ingest.contradictions.propositions import Proposition, Signal
from qagraph.ingest.contradictions.rules import Finding

logger = logging.getLogger(__name__)

Key = tuple[str, str]
# A pole said with one of these ("without information loss") is a quantifier's claim.
_QUANTIFIERS = frozenset({"without", "always", "never", "all", "none", "every", "only"})
State = tuple[int, bool]


class Opposition(NamedTuple):
    """What sets two propositions apart.

    Attributes:
        finding: Kind, strength and the cue.
        key: The (axis, target) they disagree on.
        shared: Number of keys both claims qualify.
        agreeing: Number of shared keys on which they say the same ("more trees" in
            both): the common ground that makes the disagreement one about one thing.
    """

    finding: Finding
    key: Key
    shared: int
    agreeing: int


def keyed(prop: Proposition) -> dict[Key, list[Signal]]:
    """The claim's signals by (axis, target); a pole with no target is about the subject."""
    out: dict[Key, list[Signal]] = {}
    for signal in prop.signals:
        target = signal.target or prop.subject
        if not target:
            continue
        out.setdefault((signal.axis, target), []).append(signal)
    return out


def _state(signals: Iterable[Signal]) -> tuple[State, bool, bool] | None:
    """(sign, negated), whether said as a possibility, whether exclusive; None when the
    claim says two incompatible things on the key."""
    states = {(s.sign, s.negated) for s in signals}
    if len(states) != 1:
        return None
    signals = list(signals)
    return (
        next(iter(states)),
        all(s.possible for s in signals),
        any(s.exclusive for s in signals),
    )


def _conflict(a: State, b: State) -> str | None:
    (sign_a, neg_a), (sign_b, neg_b) = a, b
    if not neg_a and not neg_b and sign_a != sign_b:
        return "antonym"
    if sign_a == sign_b and neg_a != neg_b:
        return "negation"
    return None


def oppose(a: Proposition, b: Proposition) -> Opposition | None:
    """The opposition between two propositions, or None when they are compatible."""
    ka, kb = keyed(a), keyed(b)
    shared = sorted(ka.keys() & kb.keys())
    if not shared:
        return None
    conflicts: list[tuple[Key, str, bool]] = []
    agreeing = 0
    for key in shared:
        sa, sb = _state(ka[key]), _state(kb[key])
        if sa is None or sb is None:
            continue
        (state_a, possible_a, _), (state_b, possible_b, _) = sa, sb
        kind = _conflict(state_a, state_b)
        if kind is None:
            agreeing += state_a == state_b
            continue
        if possible_a and possible_b:
            continue  # "can reduce" and "can increase" are both possible
        conflicts.append((key, kind, possible_a or possible_b))
    if len(conflicts) % 2 == 0:
        return None
    key, kind, hedged = conflicts[0]
    strength = 0.8
    quantified = (a.universal and (b.fallible or hedged)) or (
        b.universal and (a.fallible or hedged)
    )
    cue_words = {w for s in (*ka[key], *kb[key]) for w in s.cue.split()}
    if quantified or cue_words & _QUANTIFIERS:
        kind = "quantifier"
    elif hedged:
        strength -= 0.1
    cue = _cue(ka[key], kb[key])
    finding = Finding(kind, strength, f"{key[0]} of {key[1]}: {cue}")
    return Opposition(finding, key, len(shared), agreeing)


def _cue(a: list[Signal], b: list[Signal]) -> str:
    def one(signals: list[Signal]) -> str:
        s = signals[0]
        return ("not " if s.negated else "") + s.cue

    return f"{one(a)} / {one(b)}"
