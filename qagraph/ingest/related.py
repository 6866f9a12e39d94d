"""Related-concept links, weighted: concepts the same nodes mention, or that mean alike.

Co-occurrence is scored by normalised pointwise mutual information over nodes (Bouma,
2009): 1 when two concepts always appear together, 0 when they meet as often as chance
would have it, so a concept mentioned everywhere ("machine learning") is not everyone's
neighbour. Pairs the embedding model rates as close in meaning are related too, even when
no node names both. Each concept keeps its strongest few links.

Cost: co-occurrence is counted per node over the concepts it mentions, O(N c^2) for c
concepts a node (never over all pairs of concepts); similar names come from each name's
nearest neighbours in FAISS (see `qagraph.ingest.neighbours`), not from all C^2 pairs.
"""

from __future__ import annotations

import json
import logging
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from qagraph.ingest.neighbours import neighbour_pairs, pair_cosines
from qagraph.kb.records import Concept, Edge, concept_node_id

logger = logging.getLogger(__name__)

# Nearest names tried per concept for similarity links, at least.
_K_MAX = 64


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    """Settings of related-concept links.

    Attributes:
        min_cooccurrence: Nodes two concepts must share to be related by co-occurrence.
        min_npmi: Lowest normalised PMI kept.
        min_similarity: Lowest embedding similarity of two names that relates them.
        per_concept: Strongest links kept per concept (a link kept by either end stays).
    """

    min_cooccurrence: int = 2
    min_npmi: float = 0.2
    min_similarity: float = 0.7
    per_concept: int = 8


def related_edges(
    concepts: Sequence[Concept],
    nodes_of: Mapping[str, set[str]],
    n_nodes: int,
    vectors: Mapping[str, np.ndarray] | None = None,
    config: RelatedConfig | None = None,
) -> list[Edge]:
    """Weighted `related` edges between concepts, one per pair.

    Args:
        concepts: All concepts.
        nodes_of: Ids of the nodes mentioning each concept, by concept name.
        n_nodes: Number of nodes in the corpus.
        vectors: Unit vectors of concept names, by name; None skips similarity links.
        config: Thresholds.

    Returns:
        Edges from the alphabetically first name to the other, weight in (0, 1], with the
        co-occurrence count, the NPMI and the similarity in the data.
    """
    config = config or RelatedConfig()
    names = [c.name for c in concepts]
    hierarchy = {frozenset((c.name, b)) for c in concepts for b in c.broader}
    scores: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for pair, shared in _cooccurrences(names, nodes_of).items():
        a, b = pair
        if shared < config.min_cooccurrence or n_nodes == 0:
            continue
        npmi = _npmi(shared, len(nodes_of[a]), len(nodes_of[b]), n_nodes)
        if npmi >= config.min_npmi:
            scores[pair].update(cooccurrence=shared, npmi=round(npmi, 4))
    if vectors:
        keyed = [n for n in names if n in vectors]
        if len(keyed) > 1:
            matrix = np.ascontiguousarray(np.stack([vectors[n] for n in keyed]), np.float32)
            # Each name's nearest names (FAISS), not every pair: a concept keeps its
            # `per_concept` strongest links, so a few times that many are plenty to try.
            pairs = neighbour_pairs(
                matrix, config.min_similarity, k_max=max(_K_MAX, 8 * config.per_concept)
            )
            for (i, j), sim in zip(pairs.tolist(), pair_cosines(matrix, pairs).tolist()):
                if sim >= config.min_similarity:
                    pair = tuple(sorted((keyed[i], keyed[j])))
                    scores[pair]["similarity"] = round(sim, 4)
    # A broader link already says how the two relate.
    scored = {
        p: {**d, "weight": round(max(d.get("npmi", 0.0), d.get("similarity", 0.0)), 4)}
        for p, d in scores.items()
        if frozenset(p) not in hierarchy
    }
    kept = _strongest(scored, config.per_concept)
    edges = [
        Edge(
            concept_node_id(a),
            concept_node_id(b),
            "related",
            scored[(a, b)]["weight"],
            json.dumps(scored[(a, b)], sort_keys=True),
        )
        for a, b in sorted(kept)
    ]
    logger.debug("%d related links among %d concepts", len(edges), len(concepts))
    return edges


def _cooccurrences(names: Sequence[str], nodes_of: Mapping[str, set[str]]) -> dict:
    concepts_of: dict[str, list[str]] = defaultdict(list)
    for name in names:
        for node in nodes_of.get(name, ()):
            concepts_of[node].append(name)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for found in concepts_of.values():
        for a, b in combinations(sorted(set(found)), 2):
            counts[(a, b)] += 1
    return counts


def _npmi(shared: int, count_a: int, count_b: int, total: int) -> float:
    p_ab = shared / total
    if p_ab >= 1.0:
        return 1.0
    pmi = math.log(p_ab / ((count_a / total) * (count_b / total)))
    return pmi / -math.log(p_ab)


def _strongest(scored: Mapping[tuple[str, str], Mapping[str, float]], k: int) -> set:
    by_concept: dict[str, list[tuple[float, tuple[str, str]]]] = defaultdict(list)
    for pair, data in scored.items():
        for name in pair:
            by_concept[name].append((data["weight"], pair))
    kept = set()
    for links in by_concept.values():
        links.sort(key=lambda x: (-x[0], x[1]))
        kept.update(pair for _, pair in links[:k])
    return kept
