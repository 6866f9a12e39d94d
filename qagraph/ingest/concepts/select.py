"""Which groups become concepts: the corpus evidence a name needs.

A glossary entry or a name the text defines ("Principal Component Analysis (PCA)") is
always a concept once mentioned. Another phrase must recur (two nodes at least) and occur
on its own, not only inside a longer phrase ("learning engineer" only ever appears in
"machine learning engineer": the C-value idea of Frantzi et al., 2000). A single word
needs more: it must not be a generic word, nor so frequent that it names nothing in this
corpus ("model" in half the nodes), and it must be an acronym, a name, or close in
meaning to the nodes it occurs in (the KeyBERT relevance score). Proper names are kept,
and linked from the nodes whose question names them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from qagraph.ingest.concepts.candidates import Candidate
from qagraph.ingest.concepts.groups import Group
from qagraph.ingest.concepts.variants import display_name
from qagraph.ingest.concepts.words import GENERIC_NOUNS, STOP_WORDS, is_generic
from qagraph.kb.terms import all_lemmas, term_key, term_tokens

logger = logging.getLogger(__name__)

_ADJECTIVE_SUFFIXES = ("al", "ive", "ous", "ful", "less", "ible", "able")
# A share of nodes only means something once there are enough nodes to share.
_MIN_NODES_FOR_SHARE = 20


class Thresholds(NamedTuple):
    """The evidence a group needs (see `ConceptConfig` for the meaning of each)."""

    min_nodes: int
    min_free_share: float
    max_node_share: float
    generic: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


def corpus_generic(groups: Mapping[str, Group], n_nodes: int, max_share: float) -> frozenset[str]:
    """Single words in more than `max_share` of the nodes: generic in this corpus."""
    if n_nodes < _MIN_NODES_FOR_SHARE:
        return frozenset()
    return frozenset(
        s.lower()
        for g in groups.values()
        if len(g.nodes) / n_nodes > max_share
        for s in g.surfaces
        if " " not in s and not g.glossary  # a glossary acronym ("ML") names a concept
    )


def name_words(groups: Mapping[str, Group]) -> frozenset[str]:
    """Single words that are proper names in this corpus ("netflix")."""
    return frozenset(
        s.lower() for g in groups.values() if is_name(g) for s in g.surfaces if " " not in s
    )


def free_shares(candidates: Mapping[str, Candidate], min_nodes: int) -> dict[str, float]:
    """Share of each candidate's occurrences that are not inside a longer recurring phrase."""
    inside: dict[str, int] = {}
    for cand in candidates.values():
        if cand.words < 2 or len(cand.nodes - cand.elliptic_nodes) < min_nodes:
            continue
        words = term_tokens(cand.best_surface)
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                if j - i < len(words):
                    sub = term_key(" ".join(words[i:j]))
                    inside[sub] = inside.get(sub, 0) + cand.count
    return {
        key: max(0.0, 1.0 - inside.get(key, 0) / cand.count) if cand.count else 0.0
        for key, cand in candidates.items()
    }


def group_name(group: Group) -> str:
    """The name a group would be shown under."""
    if group.glossary:
        return group.glossary
    if group.long_forms:
        return display_name(group.long_forms)
    if group.surfaces:
        return display_name(group.surfaces)
    return group.id


def keep_group(
    group: Group, name: str, *, n_nodes: int, free: float, limits: Thresholds
) -> bool | None:
    """Whether the corpus gives enough evidence for this group to be a concept.

    Returns:
        True or False, or None when only the relevance score can decide (a single word
        that is neither an acronym nor a name); see `relevance`.
    """
    if group.glossary or group.long_forms:
        return True
    words = name.split()
    if is_generic(words, limits.generic) or len(group.nodes) < limits.min_nodes:
        return False
    if free < limits.min_free_share or group.verb_like * 2 >= max(group.count, 1):
        return False
    if len(words) > 1:
        # "Netflix machine learning": a name in front of common nouns is no term.
        return words[0] not in limits.names or group.capitalized > group.lowercase
    if not _single_word_ok(group, name):
        return False
    if n_nodes >= _MIN_NODES_FOR_SHARE and len(group.nodes) / n_nodes > limits.max_node_share:
        return False
    if _is_acronym(group) or is_name(group):
        return True
    return None


def is_name(group: Group) -> bool:
    """True for a proper name ("Netflix", "Seattle"): capitalised wherever it is written.

    A name is a concept users may search by, but an answer that only names it in passing
    ("Netflix is evaluating ...") is not about it; see `extract`.
    """
    if group.glossary or group.long_forms or _is_acronym(group):
        return False
    best = group.surfaces.most_common(1)[0][0] if group.surfaces else ""
    if len(best) < 3 or not best.replace(" ", "").isalpha():
        return False  # "L1", "F1": codes, not names
    # Capitals at the start of a sentence say nothing; lower case anywhere says "no name".
    return group.capitalized >= 2 and group.capitalized >= 3 * group.lowercase


def _single_word_ok(group: Group, name: str) -> bool:
    if name in GENERIC_NOUNS or name in STOP_WORDS or len(name) <= 2:
        return False
    # "collaborative", "convolutional": an adjective alone names nothing.
    pos = all_lemmas(name)
    return not (name.endswith(_ADJECTIVE_SUFFIXES) and (not pos or "ADJ" in pos))


def _is_acronym(group: Group) -> bool:
    """Mostly capitals ("SVM", "ReLU", "CNNs"), unlike a name in camel case ("YouTube")."""
    best = group.surfaces.most_common(1)[0][0] if group.surfaces else ""
    letters = [c for c in best if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return capitals >= 2 and capitals * 2 >= len(letters)


def relevance(vector: np.ndarray, node_vectors: np.ndarray, nodes: set[int]) -> float:
    """Mean similarity of a phrase to the nodes it occurs in (KeyBERT's keyphrase score)."""
    if not nodes:
        return 0.0
    rows = node_vectors[sorted(nodes)]
    return float(np.mean(rows @ vector))
