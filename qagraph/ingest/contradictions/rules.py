"""Detectors for two aligned claims: negation, antonym or reversed comparison, quantifier.

Each detector looks at two claims already known to be about the same thing (see `align`)
and says whether one cue sets them apart: a negation only one of them carries, a polar word
whose opposite the other uses on the same target, or a quantifier the other one flips.
Every detector also demands a high overlap of content words, because a cue only means
disagreement when the rest of the two claims says the same.
"""

from __future__ import annotations

import functools
import logging
from typing import NamedTuple

from qagraph.ingest.contradictions.words import (
    COMPARATIVES,
    DIRECTIONAL_VERBS,
    HEDGED_NEGATIONS,
    NEGATIONS,
    POLAR_ADJECTIVES,
    content_key,
    content_lemmas,
    is_content,
    jaccard,
    lemma,
    overlap,
    tokens,
)

logger = logging.getLogger(__name__)

# A negation denies the first content word within this many words ("does not need
# scaling" denies "scaling"); only that head has to be asserted by the other claim.
_SCOPE = 4
_CLAUSE_BREAKS = frozenset({"but", "while", "whereas", "because", "since", "which", "although"})
# Opposite quantifier and modality classes.
_OPPOSITE = {
    "always": {"never", "not_always"},
    "never": {"always"},
    "not_always": {"always"},
    "all": {"none", "not_all"},
    "none": {"all"},
    "not_all": {"all"},
    "with": {"without"},
    "without": {"with"},
    "must": {"need_not"},
    "need_not": {"must"},
}
# Classes whose cue must bear on the same word in both claims ("with X" against "without X").
_TARGETED = frozenset({"with", "without", "all", "none", "not_all"})
# Axis prefix of a comparison ("more robust"): only comparisons turn around when their two
# sides are swapped ("X more P than Y" is "Y less P than X"); "overfitting" stays put.
_COMPARATIVE = "cmp:"
# Share of the shorter claim's content words the longer one must repeat to count as about
# the same thing despite a low Jaccard (a table cell against a full sentence).
_CONTAINMENT = 0.6
# A claim opening with one of these refers back to an earlier sentence: its subject is
# not in the claim, so no subject can be compared.
_ANAPHORS = frozenset({"this", "it", "that", "these", "those", "they", "there", "which", "such"})


class Features(NamedTuple):
    """What the detectors read from one claim.

    Attributes:
        content: Content keys (lemmas, "@axis" for polar adjectives).
        negations: Number of negation cues that deny something (hedges excluded).
        negated: Content keys such a negation denies (the first content word after it).
        polar: (axis, target, sign) of each polar word; comparisons have "cmp:" axes.
        quantifiers: (class, target) of each quantifier or modality cue.
        than: (left, right) content keys around "than", or None.
        subject: The first content key, standing in for the grammatical subject ("" when the
            claim opens with an anaphor such as "This ...").
    """

    content: frozenset[str]
    negations: int
    negated: frozenset[str]
    polar: frozenset[tuple[str, str, int]]
    quantifiers: frozenset[tuple[str, str]]
    than: tuple[str, str] | None
    subject: str


class Finding(NamedTuple):
    """A cue that sets two claims apart: the kind of contradiction and how sure we are."""

    kind: str
    strength: float
    cue: str


def _next_content(toks: list[str], start: int, window: int = 3) -> str:
    for tok in toks[start : start + window]:
        if tok in _CLAUSE_BREAKS:
            break
        if is_content(tok):
            return content_key(tok)
    return ""


def _prev_content(toks: list[str], end: int, window: int = 3) -> str:
    for tok in reversed(toks[max(0, end - window) : end]):
        if is_content(tok):
            return content_key(tok)
    return ""


def _hedged(toks: list[str], i: int) -> bool:
    before = toks[i - 1] if i > 0 else ""
    after = toks[i + 1] if i + 1 < len(toks) else ""
    return (toks[i], after) in HEDGED_NEGATIONS or (before, toks[i]) in HEDGED_NEGATIONS


def _polar(toks: list[str]) -> set[tuple[str, str, int]]:
    out: set[tuple[str, str, int]] = set()
    used: set[int] = set()
    for i, tok in enumerate(toks):
        if i in used:
            continue
        if tok in COMPARATIVES:
            sign = COMPARATIVES[tok]
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if nxt in POLAR_ADJECTIVES:
                # "more robust" is a robustness claim, "less robust" its opposite.
                axis, adj_sign = POLAR_ADJECTIVES[nxt]
                out.add((_COMPARATIVE + axis, "", sign * adj_sign))
                used.add(i + 1)
                continue
            target = _next_content(toks, i + 1, 2) or _prev_content(toks, i)
            out.add((_COMPARATIVE + "amount", target, sign))
        elif lemma(tok) in DIRECTIONAL_VERBS:
            axis, sign = DIRECTIONAL_VERBS[lemma(tok)]
            out.add((axis, _next_content(toks, i + 1), sign))
        elif tok in POLAR_ADJECTIVES:
            axis, sign = POLAR_ADJECTIVES[tok]
            out.add((axis, "", sign))
    return out


def _quantifiers(toks: list[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i > 0 else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        negated = prev == "not" or (i > 1 and toks[i - 2] == "not" and prev in {"do", "does"})
        cls = None
        if tok in {"always", "invariably"}:
            cls = "not_always" if negated else "always"
        elif tok == "never":
            cls = "never"
        elif tok in {"all", "every"}:
            cls = "not_all" if negated else "all"
        elif tok == "none" or (tok == "no" and not _hedged(toks, i)):
            cls = "none"
        elif tok in {"with", "without"}:
            cls = tok
        elif tok == "must" or (tok in {"need", "needs", "have", "has"} and nxt == "to"):
            cls = "need_not" if negated or nxt == "not" else "must"
        elif tok in {"required", "necessary", "mandatory"}:
            cls = "need_not" if negated else "must"
        elif tok in {"unnecessary", "optional"} or (tok in {"need", "needs"} and nxt == "not"):
            cls = "need_not"
        elif tok in {"need", "needs"} and negated:
            cls = "need_not"
        if cls:
            out.add((cls, _next_content(toks, i + 1)))
    return out


def _than(toks: list[str]) -> tuple[str, str] | None:
    if "than" not in toks:
        return None
    i = toks.index("than")
    left = next((content_key(t) for t in toks[:i] if is_content(t)), "")
    right = _next_content(toks, i + 1)
    return (left, right) if left and right else None


@functools.lru_cache(maxsize=65536)
def features(text: str) -> Features:
    """The cues and content words of a claim (cached by text)."""
    toks = tokens(text)
    negations = 0
    negated: set[str] = set()
    for i, tok in enumerate(toks):
        if tok not in NEGATIONS or tok == "never" or _hedged(toks, i):
            continue
        negations += 1
        head = _next_content(toks, i + 1, _SCOPE)
        if head:
            negated.add(head)
    # "reduces bias but increases variance, and vice versa" states both directions.
    both_ways = "vice versa" in " ".join(toks)
    subject = "" if not toks or toks[0] in _ANAPHORS else _next_content(toks, 0, 4)
    return Features(
        content=content_lemmas(text),
        negations=negations,
        negated=frozenset(negated),
        polar=frozenset() if both_ways else frozenset(_polar(toks)),
        quantifiers=frozenset(_quantifiers(toks)),
        than=_than(toks),
        subject=subject,
    )


def same_subject(a: Features, b: Features, min_overlap: float) -> bool:
    """Whether two claims talk about the same thing, so that a cue can set them apart.

    Their content words must overlap: a Jaccard of at least `min_overlap`, or, when one
    claim is short (a table cell), most of its words (`_CONTAINMENT`) in the other and
    half that Jaccard. And their subjects
    must not be two different things each absent from the other claim ("L1 is more
    robust" and "L2 is less robust" overlap, yet are about L1 and L2). A comparison
    names both sides ("X ... than Y"), so either side may be the other claim's subject.
    """
    shared = jaccard(a.content, b.content)
    if shared < min_overlap and not (
        overlap(a.content, b.content) >= _CONTAINMENT and shared >= min_overlap / 2
    ):
        return False
    if not a.subject or not b.subject or a.subject == b.subject:
        return True
    sides_a = set(a.than or ()) | {a.subject}
    sides_b = set(b.than or ()) | {b.subject}
    if sides_a & sides_b:
        return True
    return a.subject in b.content or b.subject in a.content


def _swapped(a: Features, b: Features) -> bool:
    """True when a comparison is stated from the other side ("Y less P than X")."""
    if a.than and b.than:
        return a.than == (b.than[1], b.than[0])
    if a.than and b.subject:
        return b.subject == a.than[1] and b.subject != a.than[0]
    if b.than and a.subject:
        return a.subject == b.than[1] and a.subject != b.than[0]
    return False


def negation(a: Features, b: Features, min_overlap: float) -> Finding | None:
    """One claim denies what the other asserts: "does not need scaling" / "needs scaling".

    The negated words must appear un-negated in the other claim, and the claims must
    otherwise say the same (content Jaccard at least `min_overlap`).
    """
    if (a.negations == 0) == (b.negations == 0) or not same_subject(a, b, min_overlap):
        return None
    neg, pos = (a, b) if a.negations else (b, a)
    denied = neg.negated & (pos.content - pos.negated)
    if not denied:
        return None
    return Finding("negation", 0.9, "not " + sorted(denied)[0])


def antonym(a: Features, b: Features, min_overlap: float) -> Finding | None:
    """Opposite polar words on the same target ("less robust" / "more robust"), or the same
    comparison with its two sides swapped ("L1 is more robust than L2" / "L2 is more ...").
    """
    if not a.polar or not b.polar or not same_subject(a, b, min_overlap):
        return None
    # "X is more robust than Y" and "Y is less robust than X" say the same thing.
    swapped = _swapped(a, b)
    flips = []
    for axis, target, sign in sorted(a.polar):
        want = sign if swapped and axis.startswith(_COMPARATIVE) else -sign
        if (axis, target, want) in b.polar and (axis, target, -want) not in b.polar:
            # A claim holding both signs on one target ("increases bias, decreases
            # variance" style) is not a flip of either.
            if (axis, target, -sign) not in a.polar:
                axis_name = axis.removeprefix(_COMPARATIVE)
                flips.append(f"{axis_name} of {target}" if target else axis_name)
    if not flips:
        return None
    return Finding("antonym", 0.85, flips[0])


def quantifier(a: Features, b: Features, min_overlap: float) -> Finding | None:
    """A quantifier or modality flip: always/never, all/none, with/without, must/need not."""
    if not a.quantifiers or not b.quantifiers or not same_subject(a, b, min_overlap):
        return None
    for cls, target in sorted(a.quantifiers):
        for other_cls, other_target in sorted(b.quantifiers):
            if other_cls not in _OPPOSITE.get(cls, ()):
                continue
            same_target = target == other_target and target != ""
            if cls in _TARGETED or other_cls in _TARGETED:
                if not same_target:
                    continue
            elif not same_target and target and other_target:
                continue
            partial = "not_" in cls or "not_" in other_cls
            return Finding("quantifier", 0.65 if partial else 0.8, f"{cls}/{other_cls}")
    return None
