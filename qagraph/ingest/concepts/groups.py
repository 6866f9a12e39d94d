"""Group candidate keys into would-be concepts: one group per concept, all its spellings.

Groups come from the glossary (an entry and its aliases), from definitions in the text
(an acronym and its long form, "also known as"), and from the variant merges of
`variants` (typos, a generic last word, near-synonyms). An alias two glossary entries
share ("lda") joins neither group: which one a mention means is decided per node.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from qagraph.ingest.concepts.acronyms import Definition
from qagraph.ingest.concepts.candidates import Candidate
from qagraph.ingest.concepts.glossary import Glossary
from qagraph.ingest.concepts.variants import UnionFind, extension_candidates, typo_pairs
from qagraph.kb.terms import term_key

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Group:
    """The keys that name one would-be concept, and what the corpus says about them.

    Attributes:
        id: The representative key.
        keys: All matching keys of the group.
        surfaces: Spellings seen in the corpus, with counts.
        nodes: Nodes where a candidate of the group occurs (coordinations excluded).
        question_nodes: Nodes whose question holds one.
        glossary: Name of the glossary entry, if any.
        long_forms: Long forms of acronyms defined in the text.
        short_forms: Acronyms (or synonyms) defined in the text.
        capitalized: Occurrences written in capitals mid-sentence.
        lowercase: Occurrences written in lower case.
        verb_like: Occurrences used as a verb phrase.
    """

    id: str
    keys: set[str] = field(default_factory=set)
    surfaces: Counter[str] = field(default_factory=Counter)
    nodes: set[int] = field(default_factory=set)
    question_nodes: set[int] = field(default_factory=set)
    glossary: str | None = None
    long_forms: Counter[str] = field(default_factory=Counter)
    short_forms: Counter[str] = field(default_factory=Counter)
    capitalized: int = 0
    lowercase: int = 0
    verb_like: int = 0
    max_words: int = 1

    @property
    def count(self) -> int:
        """Occurrences in the corpus, all spellings together."""
        return sum(self.surfaces.values())


@dataclass(slots=True)
class Groups:
    """All groups, the key index, and the keys that stay ambiguous.

    Attributes:
        by_id: Groups by representative key.
        of_key: Representative key of every grouped key.
        ambiguous: Keys shared by several glossary entries, with those entries' names.
        merges: How many keys each variant rule folded into another.
    """

    by_id: dict[str, Group]
    of_key: dict[str, str]
    ambiguous: dict[str, list[str]]
    merges: dict[str, int]


def build_groups(
    candidates: Mapping[str, Candidate],
    glossary: Glossary,
    definitions: Sequence[Definition],
    embed: Callable[[Sequence[str]], np.ndarray],
    *,
    typo_ratio: float,
    extension_similarity: float,
) -> Groups:
    """Group candidate keys, glossary entries and defined names.

    Args:
        candidates: Candidate phrases by key.
        glossary: The glossary in use.
        definitions: Acronyms and synonyms the text defines.
        embed: Unit vectors of names (rows in order).
        typo_ratio: rapidfuzz ratio from which two rare/common spellings are one.
        extension_similarity: Similarity from which "X model" is the same as "X".
    """
    uf = UnionFind()
    ambiguous = {k: names for k, names in glossary.keys().items() if len(names) > 1}
    glossary_of: dict[str, str] = {}
    for entry in glossary.entries():
        root = term_key(entry.name)
        for name in entry.names:
            key = term_key(name)
            if key and key not in ambiguous:
                uf.union(root, key)
                glossary_of[key] = entry.name
    for key in candidates:
        if key not in ambiguous:
            uf.add(key)
    for d in definitions:
        long_key, short_key = term_key(d.long), term_key(d.short)
        if not long_key or not short_key or {long_key, short_key} & ambiguous.keys():
            continue
        # The glossary says two entries are different concepts: it outranks the text.
        if not _glossary_conflict(uf, glossary_of, long_key, short_key):
            uf.union(long_key, short_key)
    surfaces = {k: c.best_surface.lower() for k, c in candidates.items() if k not in ambiguous}
    counts = {k: candidates[k].count for k in surfaces}
    merges = {"typo": 0, "extension": 0}
    extensions = extension_candidates(surfaces)
    if extensions:
        short = embed([surfaces[a] for a, _ in extensions])
        long = embed([surfaces[b] for _, b in extensions])
        sims = np.sum(short * long, axis=1)
        extensions = [p for p, s in zip(extensions, sims, strict=True) if s >= extension_similarity]
    for rule, pairs in (
        ("typo", typo_pairs(surfaces, counts, min_ratio=typo_ratio)),
        ("extension", extensions),
    ):
        for keep, other in pairs:
            if _glossary_conflict(uf, glossary_of, keep, other):
                continue
            logger.debug("merge (%s): %r <- %r", rule, surfaces[keep], surfaces[other])
            uf.union(keep, other)
            merges[rule] += 1
    return _collect(uf, candidates, glossary_of, definitions, ambiguous, merges)


def _glossary_conflict(uf: UnionFind, glossary_of: Mapping[str, str], a: str, b: str) -> bool:
    """True when a and b already belong to two different glossary entries."""
    ga = {glossary_of[k] for k in glossary_of if uf.find(k) == uf.find(a)}
    gb = {glossary_of[k] for k in glossary_of if uf.find(k) == uf.find(b)}
    return bool(ga and gb and ga != gb)


def _collect(
    uf: UnionFind,
    candidates: Mapping[str, Candidate],
    glossary_of: Mapping[str, str],
    definitions: Sequence[Definition],
    ambiguous: dict[str, list[str]],
    merges: dict[str, int],
) -> Groups:
    by_id: dict[str, Group] = {}
    of_key: dict[str, str] = {}
    for root, keys in uf.groups().items():
        group = Group(id=root, keys=set(keys))
        for key in keys:
            of_key[key] = root
            if key in glossary_of and group.glossary is None:
                group.glossary = glossary_of[key]
            cand = candidates.get(key)
            if cand is None:
                continue
            group.surfaces.update(cand.surfaces)
            group.nodes |= cand.nodes - cand.elliptic_nodes
            group.question_nodes |= cand.question_nodes
            group.capitalized += cand.capitalized
            group.lowercase += cand.lowercase
            group.verb_like += cand.verb_like
            group.max_words = max(group.max_words, cand.words)
        by_id[root] = group
    for d in definitions:
        root = of_key.get(term_key(d.long))
        if root is not None and root == of_key.get(term_key(d.short)) and d.acronym:
            by_id[root].long_forms[d.long.lower()] += 1
            by_id[root].short_forms[d.short] += 1
    return Groups(by_id=by_id, of_key=of_key, ambiguous=ambiguous, merges=merges)


def merge_into(groups: Groups, keep: str, other: str) -> None:
    """Fold group `other` into group `keep` (both by id)."""
    a, b = groups.by_id[keep], groups.by_id.pop(other)
    a.keys |= b.keys
    a.surfaces.update(b.surfaces)
    a.nodes |= b.nodes
    a.question_nodes |= b.question_nodes
    a.long_forms.update(b.long_forms)
    a.short_forms.update(b.short_forms)
    a.capitalized += b.capitalized
    a.lowercase += b.lowercase
    a.verb_like += b.verb_like
    a.max_words = max(a.max_words, b.max_words)
    a.glossary = a.glossary or b.glossary
    for key in b.keys:
        groups.of_key[key] = keep
