"""Keyphrases for the nodes the concept rules leave without a concept.

Such a node gets the candidate phrase of its own text that is closest in meaning to it
(the KeyBERT score), a phrase of its question preferred, so that every node can be reached
by concept. The concept made for it links only that node and the questions naming it: it
is kept for coverage, not because the corpus gives evidence for it.
"""

from __future__ import annotations

import numpy as np

from qagraph.ingest.concepts.candidates import Candidate
from qagraph.ingest.concepts.embed import PhraseVectors
from qagraph.ingest.concepts.groups import Groups
from qagraph.ingest.concepts.mentions import NodeMention
from qagraph.ingest.concepts.select import is_name
from qagraph.ingest.concepts.words import is_generic

# Bonus for a phrase of the question over one of the answer.
_QUESTION_BONUS = 0.1


def cover_bare_nodes(
    candidates: dict[str, Candidate],
    groups: Groups,
    kept: set[str],
    resolved: list[dict[str, NodeMention]],
    node_vectors: np.ndarray,
    phrases: PhraseVectors,
) -> dict[str, set[int]]:
    """The best keyphrase of each node left without a concept.

    Args:
        candidates: Candidate phrases by key.
        groups: The concept groups.
        kept: Ids of the groups kept as concepts.
        resolved: Mentions by group id, per node.
        node_vectors: Unit vectors of the nodes' gists.
        phrases: The phrase-vector cache.

    Returns:
        Ids of the groups to add, each with the indexes of the nodes it was chosen for.
    """
    bare = [i for i, found in enumerate(resolved) if not found]
    by_node: dict[int, list[Candidate]] = {i: [] for i in bare}
    for cand in candidates.values():
        for i in cand.nodes & by_node.keys():
            # Keys of three letters or fewer only match in capitals ("ML"), see `matcher`.
            usable = cand.key in groups.of_key and cand.words <= 3 and len(cand.key) > 3
            if usable and not is_generic(cand.best_surface.lower().split()):
                by_node[i].append(cand)
    phrases.add(c.best_surface.lower() for options in by_node.values() for c in options)
    chosen: dict[str, set[int]] = {}
    for i, options in by_node.items():
        if not options:
            continue
        scores = phrases.matrix([c.best_surface.lower() for c in options]) @ node_vectors[i]
        scores = scores + np.array([_QUESTION_BONUS * (i in c.question_nodes) for c in options])
        for best in np.argsort(-scores, kind="stable"):
            gid = groups.of_key[options[int(best)].key]
            # A name links only from questions naming it, so it cannot cover an answer.
            if gid not in kept or not is_name(groups.by_id[gid]):
                break
        if gid not in kept:
            chosen.setdefault(gid, set()).add(i)
    return chosen
