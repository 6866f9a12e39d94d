"""Claims read as propositions: the `Proposition` and `Signal` records, and `ConceptNames`.

A proposition is what two claims are compared by when they answer different questions
(`reading.read_proposition` reads one): its subject, predicate, polarity and qualifiers,
each qualifier a signal tied to what it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from qagraph.ingest.contradictions.words import STOP_WORDS
from qagraph.kb.terms import term_key

logger = logging.getLogger(__name__)

_MAX_CONCEPT_WORDS = 6


class Signal(NamedTuple):
    """One qualifier of a claim.

    Attributes:
        axis: "amount", or the name of a lexicon axis.
        target: What it is about: a concept name or a content lemma.
        sign: +1 (more; the first pole) or -1 (less; the second pole).
        negated: A negation denies it ("does not reduce variance").
        exclusive: "only" makes it the one pole ("only binary").
        possible: Said as a possibility ("can lead to", "may reduce").
        cue: The words that carry it, as matched.
    """

    axis: str
    target: str
    sign: int
    negated: bool
    exclusive: bool
    possible: bool
    cue: str

    def describe(self) -> str:
        """Short text: "less overfitting", "not more variance", "optimum: local optimum"."""
        if self.axis == "amount":
            word = "more" if self.sign > 0 else "less"
            text = f"{word} {self.target}"
        else:
            text = f"{self.target}: {self.cue} ({self.axis})" if self.target else self.cue
        if self.exclusive:
            text = "only " + text
        if self.negated:
            text = "not " + text
        if self.possible:
            text = "can be " + text
        return text


class Proposition(NamedTuple):
    """A claim read as subject, predicate, polarity and qualifiers.

    Attributes:
        text: The claim as shown.
        subject: The concept (or head word) the claim is about; "" when it opens with an
            anaphor or names nothing.
        predicate: Lemma of the main verb ("" when none is found).
        negated: The main predicate is negated.
        concepts: Concept names the claim mentions, in order.
        signals: Its qualifiers.
        universal: It says something always holds.
        fallible: It says something can fail.
        content: Its content lemmas.
    """

    text: str
    subject: str
    predicate: str
    negated: bool
    concepts: tuple[str, ...]
    signals: tuple[Signal, ...]
    universal: bool
    fallible: bool
    content: frozenset[str]

    def to_json(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "polarity": "negative" if self.negated else "positive",
            "qualifiers": [s.describe() for s in self.signals],
            "always": self.universal,
            "can_fail": self.fallible,
            "concepts": list(self.concepts),
        }


class ConceptNames:
    """Concept names and aliases, found in a claim's words by their matching keys.

    Args:
        concepts: (name, aliases) of every concept.
    """

    def __init__(self, concepts: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        keys: dict[str, str] = {}
        longest = 1
        for name, aliases in concepts:
            for surface in (name, *aliases):
                key = term_key(surface)
                if key and key not in keys:
                    keys[key] = name
                    longest = max(longest, len(surface.split()))
        self._keys = keys
        self._longest = min(longest, _MAX_CONCEPT_WORDS)
        # The first letters of every key: a longer word starting otherwise starts no name.
        self._starts = frozenset(k[:3] for k in keys)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def names(self) -> frozenset[str]:
        """The canonical names."""
        return frozenset(self._keys.values())

    def __hash__(self) -> int:
        return id(self)

    def find(self, words: Sequence[str]) -> list[tuple[str, int, int]]:
        """(name, start, end) of every mention, longest first at each position."""
        found = []
        i = 0
        while i < len(words):
            hit = None
            first = term_key(words[i])
            if len(first) >= 4 and first[:3] not in self._starts:
                i += 1
                continue
            for n in range(min(self._longest, len(words) - i), 0, -1):
                span = words[i : i + n]
                if span[0] in STOP_WORDS or span[-1] in STOP_WORDS:
                    continue
                name = self._keys.get(term_key(" ".join(span)))
                if name is not None:
                    hit = (name, i, i + n)
                    break
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i = hit[2]
        return found
