"""`ClaimReader`: one text's concept mentions, clauses, subjects and qualifier signals.

A signal is tied to what it is about: an amount to the thing after it ("the number of
trees"), a pole to the subject of its clause ("PCA is unsupervised, while LDA is
supervised" gives PCA one pole and LDA the other).
"""

from __future__ import annotations

from collections.abc import Callable

from qagraph.ingest.contradictions.lexicon import Lexicon
from qagraph.ingest.contradictions.propositions import ConceptNames, Signal
from qagraph.ingest.contradictions.qualifier_words import (
    BREAKS,
    CLAUSE_OPENERS,
    CONDITIONS,
    GENERIC_HEADS,
    HYPOTHETICAL,
    INTENSIFIERS,
    MEANS,
    MODIFIER_WINDOW,
    NEGATION_REACH,
    POSSIBLE,
    RESULT,
    TARGET_WINDOW,
    is_modifier,
    lexicon_matches,
    words_and_breaks,
)
from qagraph.ingest.contradictions.words import NEGATIONS, STOP_WORDS, is_content, lemma
from qagraph.kb.terms import all_lemmas


class ClaimReader:
    """Reads one text (claim, list lead or cell part) into mentions and signals."""

    def __init__(self, text: str, names: ConceptNames, lexicon: Lexicon) -> None:
        self.words, self.breaks = words_and_breaks(text)
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
        if self.words and self.words[0] in HYPOTHETICAL:
            # "If we used no activation, the network would be linear": all of it hangs on
            # the condition.
            out.update(range(len(self.words)))
            return set(out)
        i = 0
        while i < len(self.words):
            word = self.words[i]
            opens = word in CONDITIONS or (
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
            if word in CLAUSE_OPENERS and i > start:
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
        return not all(w in GENERIC_HEADS for w in rest)

    def _targets(self, start: int, window: int, wide: bool) -> list[str]:
        """Concepts and content lemmas after position `start` that a qualifier reaches."""
        out: list[str] = []
        i = start
        stop = min(len(self.words), start + window)
        while i < stop:
            word = self.words[i]
            if word in BREAKS or (word == "and" and not wide and out):
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
        lo = max(0, start - NEGATION_REACH)
        for k in range(start - 1, lo - 1, -1):
            word = self.words[k]
            if word in BREAKS or k + 1 in self.breaks:
                return False
            if word == "without":
                return start - k <= 2
            if word in NEGATIONS and word != "never":
                between = self.words[k + 1 : start + 1]
                return not any(w in self.lexicon.hedges for w in between)
            if word not in STOP_WORDS and word not in INTENSIFIERS:
                return False
        return False

    def _possible(self, start: int, clause_start: int) -> bool:
        return any(w in POSSIBLE for w in self.words[clause_start:start])

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
        for start, end, entries in lexicon_matches(self.words, self.lexicon):
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
                    wide = not (end - start == 1 and is_modifier(self.words[start]))
                    targets = self._targets(end, TARGET_WINDOW if wide else MODIFIER_WINDOW, wide)
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
                if RESULT in self.words[max(0, start - 2) : start]:
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
            if self.words[k] not in MEANS:
                continue
            for name, s, e in self.mentions:
                if s > k and s < end and not self._qualifier(s, e):
                    if any(w in BREAKS for w in self.words[k + 1 : s]):
                        break
                    out.append(name)
            break
        return out
