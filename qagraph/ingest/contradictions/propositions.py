"""Claims read as propositions: subject, predicate, polarity and qualifiers.

A proposition is what two claims are compared by when they answer different questions:
its subject (the first concept the clause names, found by the knowledge graph's names and
aliases), its predicate (the first verb after the subject, by lemminflect's parts of
speech), whether that predicate is negated, and its qualifiers, read through the lexicon
(`qagraph.ingest.contradictions.lexicon`) as signals: "more"/"less" of a thing
("increases variance", "reduces overfitting", "a high learning rate"), a pole of an axis
("local optimum", "unsupervised", "bagging"), and whether the claim holds always
("always", "guarantees") or can fail ("can get stuck", "not always").

A signal is tied to what it is about: an amount to the thing after it ("the number of
trees"), a pole to the subject of its clause ("PCA is unsupervised, while LDA is
supervised" gives PCA one pole and LDA the other). In a list, the sentence that leads
into it ("Methods of feature selection:") gives its pole to every item's concept; in a
table cell ("Feature extraction, techniques: PCA, LDA") the row gives it to the concepts
of the value, or the value to the row's concept.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from qagraph.ingest.contradictions.lexicon import Lexicon
from qagraph.ingest.contradictions.words import (
    NEGATIONS,
    STOP_WORDS,
    content_lemmas,
    is_content,
    lemma,
    tokens,
)
from qagraph.kb.terms import all_lemmas, singular, term_key

logger = logging.getLogger(__name__)

# Words that end the stretch a qualifier reaches ("reduces variance, which ...").
_BREAKS = frozenset(
    """
    but while whereas because since which where so although though however unless if when
    by through via then thus hence therefore
    """.split()
)
# Words that open a new clause with a subject of its own.
_CLAUSE_OPENERS = frozenset({"while", "whereas", "but", "although", "though", "however"})
# Words opening a condition or a purpose ("if ...", "to reduce bias, ..."): what they say
# is not asserted.
_CONDITIONS = frozenset({"if", "when", "whenever", "once", "unless", "suppose", "assuming"})
_HYPOTHETICAL = frozenset({"if", "unless", "suppose", "assuming", "imagine"})
# Possibility: "can", "may" make a claim one of what may happen, not what does.
_POSSIBLE = frozenset({"can", "could", "may", "might", "sometimes", "possibly", "often"})
# Last words of a concept name that only say what kind of thing it is: "unsupervised
# learning" still says "unsupervised", "linear regression" does not say "linear".
_GENERIC_HEADS = frozenset(
    "learning method methods model models algorithm algorithms technique techniques "
    "approach approaches problem problems task tasks".split()
)
# Adverbs that sit between a negation and what it denies ("not very useful").
_INTENSIFIERS = frozenset({"very", "really", "particularly", "always", "generally"})
_MAX_CONCEPT_WORDS = 6
# A clause's means ("through bagging and boosting") and a result ("into a strong learner").
_MEANS = frozenset({"through", "via", "using"})
_RESULT = "into"
_TARGET_WINDOW = 8
_MODIFIER_WINDOW = 3
_NEGATION_REACH = 5


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


_NO_CONCEPTS = ConceptNames()


_PUNCT_BREAK_RE = re.compile(r"[,;:()\[\]\u2014]|\s-\s|\.(?=\s|$)")


def _words_and_breaks(text: str) -> tuple[list[str], frozenset[int]]:
    """The claim's words (`words.tokens`) and the positions a comma, colon, semicolon,
    bracket or dash comes before."""
    words: list[str] = []
    breaks: set[int] = set()
    for part in _PUNCT_BREAK_RE.split(text):
        if words:
            breaks.add(len(words))
        words.extend(tokens(part))
    return words, frozenset(breaks)


def _lexicon_matches(
    words: Sequence[str], lexicon: Lexicon
) -> list[tuple[int, int, list[tuple[str, int]]]]:
    """(start, end, entries) of every lexicon phrase, longest first, not overlapping; the
    last word of a phrase of several may be plural ("feature selections")."""
    out = []
    i = 0
    while i < len(words):
        for n in range(min(lexicon.longest, len(words) - i), 0, -1):
            span = tuple(words[i : i + n])
            entries = lexicon.lookup(span)
            if not entries and n > 1:
                entries = lexicon.lookup((*span[:-1], singular(span[-1])))
            if entries:
                out.append((i, i + n, entries))
                i += n
                break
        else:
            i += 1
    return out


def _is_modifier(word: str) -> bool:
    lemmas = all_lemmas(word)
    return "ADJ" in lemmas or "ADV" in lemmas or word in {"more", "less", "fewer", "many", "few"}


def _can_be_verb(word: str) -> bool:
    return "VERB" in all_lemmas(word) or "AUX" in all_lemmas(word)


class _Reader:
    """Reads one text (claim, list lead or cell part) into mentions and signals."""

    def __init__(self, text: str, names: ConceptNames, lexicon: Lexicon) -> None:
        self.words, self.breaks = _words_and_breaks(text)
        self._unasserted: set[int] = set()
        self.mentions = names.find(self.words)
        self.lexicon = lexicon
        self._concept_at: dict[int, tuple[str, int, int]] = {}
        for mention in self.mentions:
            for k in range(mention[1], mention[2]):
                self._concept_at[k] = mention
        self.unasserted()

    def unasserted(self) -> set[int]:
        """Positions inside a condition or purpose, up to its comma ("If a model has high
        bias, ...", "To reduce the bias, ...")."""
        out = self._unasserted
        if self.words and self.words[0] in _HYPOTHETICAL:
            # "If we used no activation, the network would be linear": all of it hangs on
            # the condition.
            out.update(range(len(self.words)))
            return set(out)
        i = 0
        while i < len(self.words):
            word = self.words[i]
            opens = word in _CONDITIONS or (
                word == "to" and (i == 0 or self.words[i - 1] in {"order", "so"})
            )
            if not opens:
                i += 1
                continue
            j = i + 1
            while j < len(self.words) and j not in self.breaks:
                j += 1
            out.update(range(i, j))
            i = j
        return set(out)

    def clause_bounds(self) -> list[tuple[int, int]]:
        """Clauses: split at ";" (already gone), and at contrastive openers."""
        bounds, start = [], 0
        for i, word in enumerate(self.words):
            if word in _CLAUSE_OPENERS and i > start:
                bounds.append((start, i))
                start = i
        bounds.append((start, len(self.words)))
        return bounds

    def subject_of(self, start: int, end: int) -> str:
        """The first concept of a stretch that is not itself a qualifier ("local
        minimum" says where something ends up, not what the claim is about)."""
        return self.subject_at(start, end)[0]

    def subject_at(self, start: int, end: int) -> tuple[str, int]:
        """`subject_of` and where it starts (-1 when there is none)."""
        for name, s, e in self.mentions:
            if start <= s < end and not self._qualifier(s, e) and s not in self._unasserted:
                return name, s
        return "", -1

    def _qualifier(self, start: int, end: int) -> bool:
        return bool(self.lexicon.lookup(tuple(self.words[start:end])))

    def clause_subject(self, fallback: str = "") -> Callable[[int], str]:
        """The subject of each clause by index: its first concept, else the subject of
        the first clause ("we keep X while discarding Y" is still about X), else
        `fallback`."""
        bounds = self.clause_bounds()
        first = self.subject_of(*bounds[0]) or fallback

        def subject(clause: int) -> str:
            return self.subject_of(*bounds[clause]) or first

        return subject

    def _masked(self, start: int, end: int) -> bool:
        """A phrase inside a longer concept name is part of that name ("linear
        regression" says nothing linear), unless the rest is a generic head."""
        mention = self._concept_at.get(start)
        if mention is None:
            return False
        _, s, e = mention
        if (s, e) == (start, end) or e < end:
            return False
        rest = [w for k, w in enumerate(self.words[s:e], s) if not start <= k < end]
        return not all(w in _GENERIC_HEADS for w in rest)

    def _targets(self, start: int, window: int, wide: bool) -> list[str]:
        """Concepts and content lemmas after position `start` that a qualifier reaches."""
        out: list[str] = []
        i = start
        stop = min(len(self.words), start + window)
        while i < stop:
            word = self.words[i]
            if word in _BREAKS or (word == "and" and not wide and out):
                break
            if i > start and i in self.breaks:
                break
            mention = self._concept_at.get(i)
            qualified = wide and i > start and self._modified(i)
            if mention is not None:
                if not qualified:
                    out.append(mention[0])
                i = mention[2]
            else:
                if (
                    is_content(word)
                    and not self.lexicon.lookup((word,))
                    and (not wide or "NOUN" in all_lemmas(word) or not all_lemmas(word))
                ):
                    out.append(lemma(word))
                i += 1
            if out and not wide:
                # "number of trees": the thing counted is a target too.
                if i < len(self.words) - 1 and self.words[i] == "of":
                    stop = min(len(self.words), i + 3)
                    i += 1
                    continue
                break
        return out

    def _names(self, target: str, start: int, end: int) -> bool:
        """The pole is part of the target's own name ("linear" in "linear model")."""
        mention = self._concept_at.get(start)
        return mention is not None and mention[0] == target and mention[2] >= end

    def _modified(self, i: int) -> bool:
        """An amount word stands right before position `i` ("leads to *lower* bias"): it,
        not the verb, says which way the thing goes."""
        before = self.words[max(0, i - 2) : i]
        return any(
            sign_axis == "amount" for w in before for sign_axis, _ in self.lexicon.lookup((w,))
        )

    def _negated(self, start: int) -> bool:
        """A negation denies the cue when nothing but function words stands between them
        ("would not be useful", "does not reduce"), unless a hedge follows it ("not too
        much", "not necessarily"); "without" denies what directly follows it."""
        lo = max(0, start - _NEGATION_REACH)
        for k in range(start - 1, lo - 1, -1):
            word = self.words[k]
            if word in _BREAKS or k + 1 in self.breaks:
                return False
            if word == "without":
                return start - k <= 2
            if word in NEGATIONS and word != "never":
                between = self.words[k + 1 : start + 1]
                return not any(w in self.lexicon.hedges for w in between)
            if word not in STOP_WORDS and word not in _INTENSIFIERS:
                return False
        return False

    def _possible(self, start: int, clause_start: int) -> bool:
        return any(w in _POSSIBLE for w in self.words[clause_start:start])

    def _exclusive(self, start: int) -> bool:
        return any(w in self.lexicon.exclusive for w in self.words[max(0, start - 2) : start])

    def signals(self, subject_of: Callable[[int], str]) -> tuple[list[Signal], bool, bool]:
        """Signals, and whether the text says always / can fail; `subject_of` gives the
        subject of a clause by its index."""
        out: list[Signal] = []
        universal = fallible = False
        clause_of = {}
        for c, (s, e) in enumerate(self.clause_bounds()):
            for k in range(s, e):
                clause_of[k] = (c, s)
        # "reduces bias and increases variance, and vice versa" states both directions.
        both_ways = "vice versa" in " ".join(self.words)
        unasserted = self.unasserted()
        bounds = self.clause_bounds()
        for start, end, entries in _lexicon_matches(self.words, self.lexicon):
            if start in unasserted:
                continue
            cue = " ".join(self.words[start:end])
            # "better than": a comparison, whose sides the comparison rules read.
            compared = "than" in self.words[end : end + 2]
            clause, clause_start = clause_of.get(start, (0, 0))
            negated = self._negated(start)
            for axis, sign in entries:
                if axis == "@universal":
                    universal = universal or not negated
                    fallible = fallible or negated
                    continue
                if axis == "@fallible":
                    fallible = True
                    continue
                if self._masked(start, end):
                    continue
                if axis == "amount":
                    if both_ways:
                        continue
                    wide = not (end - start == 1 and _is_modifier(self.words[start]))
                    targets = self._targets(end, _TARGET_WINDOW if wide else _MODIFIER_WINDOW, wide)
                    if not targets and not wide:
                        # "overfit less": the word before says what there is less of.
                        prev = [w for w in self.words[max(0, start - 2) : start] if is_content(w)]
                        targets = [lemma(prev[-1])] if prev else []
                    for target in targets:
                        out.append(
                            Signal(
                                "amount",
                                target,
                                sign,
                                negated,
                                self._exclusive(start),
                                self._possible(start, clause_start),
                                cue,
                            )
                        )
                    continue
                if _RESULT in self.words[max(0, start - 2) : start]:
                    continue  # "turns them into a strong learner": what comes out, not in
                if compared:
                    continue
                target = subject_of(clause)
                own, at = self.subject_at(*bounds[clause])
                # "feature selection, PCA or L2 may be used": a pole before the subject is
                # one of a list, not said of it; the clause's means still get it.
                said_of = [] if own == target and at > start else [target]
                for who in dict.fromkeys([*said_of, *self._means(*bounds[clause])]):
                    if self._names(who, start, end):
                        continue
                    out.append(
                        Signal(
                            axis,
                            who,
                            sign,
                            negated,
                            self._exclusive(start),
                            self._possible(start, clause_start),
                            cue,
                        )
                    )
        return out, universal, fallible

    def _means(self, start: int, end: int) -> list[str]:
        """Concepts named as the means of a clause ("... through bagging and boosting"):
        what the clause says is said of them too."""
        out = []
        for k in range(start, end):
            if self.words[k] not in _MEANS:
                continue
            for name, s, e in self.mentions:
                if s > k and s < end and not self._qualifier(s, e):
                    if any(w in _BREAKS for w in self.words[k + 1 : s]):
                        break
                    out.append(name)
            break
        return out


def _predicate(words: Sequence[str], after: int) -> tuple[str, bool]:
    negated = False
    for k in range(after, min(len(words), after + 8)):
        word = words[k]
        if word in NEGATIONS:
            negated = True
            continue
        if word in STOP_WORDS and word not in {"is", "are", "be", "was", "were", "has", "have"}:
            continue
        if _can_be_verb(word):
            return lemma(word), negated
    return "", negated


def _split_cell(text: str) -> tuple[str, str] | None:
    head, sep, value = text.partition(": ")
    if not sep or ", " not in head:
        return None
    return head, value


@functools.lru_cache(maxsize=65536)
def read_proposition(
    text: str,
    lead: str = "",
    kind: str = "sentence",
    names: ConceptNames = _NO_CONCEPTS,
    lexicon: Lexicon | None = None,
) -> Proposition:
    """Read one claim as a proposition.

    Args:
        text: The claim.
        lead: For a list item, the sentence that leads into its list ("Methods of X:").
        kind: "sentence", "item" or "cell" (see `claims.Claim`).
        names: The concepts to find.
        lexicon: The lexicon (default: the built-in one).
    """
    if lexicon is None:
        from qagraph.ingest.contradictions.lexicon import default_lexicon

        lexicon = default_lexicon()
    reader = _Reader(text, names, lexicon)
    concepts = tuple(dict.fromkeys(m[0] for m in reader.mentions))
    signals, universal, fallible = reader.signals(reader.clause_subject())
    cell = _split_cell(text) if kind == "cell" else None
    if cell is not None:
        # "Feature extraction, techniques: PCA, LDA": the row's poles go to the value's
        # concepts; the value's poles to the row's concept.
        entity, attribute = cell[0].split(", ", 1)
        head, value = (_Reader(part, names, lexicon) for part in cell)
        row = _Reader(entity, names, lexicon)
        head_subject = head.subject_of(0, len(head.words))
        value_concepts = [m[0] for m in value.mentions]
        signals = []
        # Only the row's label puts the value in a class; the column names a property.
        for sig in row.signals(lambda c: "")[0]:
            if sig.axis == "amount":
                continue
            signals.extend(sig._replace(target=c) for c in value_concepts)
        signals.extend(value.signals(value.clause_subject(head_subject))[0])
    if lead:
        # A list item: the lead's poles go to the item's concepts ("Unsupervised methods:
        # - clustering").
        lead_reader = _Reader(lead, names, lexicon)
        item_concepts = list(concepts) or []
        for sig in lead_reader.signals(lambda c: "")[0]:
            if sig.axis != "amount":
                signals.extend(sig._replace(target=c) for c in item_concepts[:3])
    subject_end = 0
    subject = ""
    mentions = [m for m in reader.mentions if not reader._qualifier(m[1], m[2])]
    if mentions:
        subject, _, subject_end = mentions[0]
    elif reader.words:
        first = next((w for w in reader.words if is_content(w)), "")
        subject = lemma(first) if first else ""
    predicate, negated = _predicate(reader.words, subject_end)
    return Proposition(
        text=text,
        subject=subject,
        predicate=predicate,
        negated=negated,
        concepts=concepts,
        signals=tuple(dict.fromkeys(signals)),
        universal=universal,
        fallible=fallible,
        content=content_lemmas(text),
    )
