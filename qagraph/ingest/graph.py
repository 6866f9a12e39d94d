"""The knowledge graph of a corpus: concepts and every edge except `from` and `contradicts`.

`build_graph` runs concept extraction, then derives the edges the store keeps: `mentions`
(node to concept), `broader` (concept to concept), `related` (concept to concept,
weighted) and `same_question` (node to node).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qagraph.encoders import Encoder
from qagraph.ingest.concepts import ConceptConfig, ConceptResult, extract_concepts
from qagraph.ingest.concepts.embed import PhraseVectors
from qagraph.ingest.links import LinkConfig, groups_of, question_topics, same_question_edges
from qagraph.ingest.related import RelatedConfig, related_edges
from qagraph.kb.records import Concept, Edge, QANode, concept_node_id

logger = logging.getLogger(__name__)

# Short texts: passes of 16-32 run fastest on a CPU (see `PHRASE_BATCH`).
_QUESTION_BATCH = 32


@dataclass(frozen=True, slots=True)
class GraphConfig:
    """Settings of graph building.

    Attributes:
        concepts: Concept extraction (glossary files, thresholds).
        links: Same-question detection.
        related: Related-concept links.
    """

    concepts: ConceptConfig = field(default_factory=ConceptConfig)
    links: LinkConfig = field(default_factory=LinkConfig)
    related: RelatedConfig = field(default_factory=RelatedConfig)


class GraphBuild(NamedTuple):
    """The graph part of a store.

    Attributes:
        nodes: The input nodes with `concepts` filled.
        concepts: The concepts, by name.
        edges: mentions, broader, related and same_question edges.
        stats: Counts for logs and the manifest.
    """

    nodes: list[QANode]
    concepts: list[Concept]
    edges: list[Edge]
    stats: dict[str, Any]


def build_graph(
    nodes: Sequence[QANode], *, encoder: Encoder, config: GraphConfig | None = None
) -> GraphBuild:
    """Concepts and graph edges for a corpus.

    Args:
        nodes: All nodes of the knowledge base.
        encoder: The embedding model.
        config: Settings.

    Raises:
        GlossaryError: A glossary file is missing or malformed.
    """
    config = config or GraphConfig()
    phrases = PhraseVectors(encoder)
    result = extract_concepts(nodes, encoder=encoder, config=config.concepts, phrases=phrases)
    edges = mention_edges(result) + broader_edges(result.concepts)
    nodes_of: dict[str, set[str]] = defaultdict(set)
    in_question: dict[str, list[str]] = defaultdict(list)
    for m in result.mentions:
        nodes_of[m.concept].add(m.node)
        if m.in_question:
            in_question[m.node].append(m.concept)
    names = [c.name for c in result.concepts]
    vectors = dict(zip(names, phrases.matrix(names), strict=True))
    edges += related_edges(result.concepts, nodes_of, len(nodes), vectors, config.related)
    # A share of nodes only says "broad" once there are enough nodes to share.
    broad = config.links.max_share if len(nodes) >= config.links.min_nodes_for_share else 1.0
    skip = frozenset(
        c.name
        for c in result.concepts
        if c.origin == "name" or len(nodes_of[c.name]) / max(len(nodes), 1) > broad
    )
    topics = question_topics(result.nodes, in_question, result.concepts, skip=skip)
    # The same texts as the retrieval index's question units, so a vector cache in front
    # of the encoder serves them to it.
    texts = [n.question.strip() for n in result.nodes]
    questions = encoder.encode(texts, batch_size=_QUESTION_BATCH) if nodes else None
    same = same_question_edges(result.nodes, questions, topics, config.links) if nodes else []
    edges += same
    stats = {
        **result.stats,
        "edges": _count_kinds(edges),
        "same_question_groups": len(groups_of(same)),
    }
    logger.info("graph: %s", stats)
    return GraphBuild(result.nodes, result.concepts, edges, stats)


def mention_edges(result: ConceptResult) -> list[Edge]:
    """One `mentions` edge per (node, concept), weighted by salience."""
    return [
        Edge(
            m.node,
            concept_node_id(m.concept),
            "mentions",
            m.weight,
            json.dumps({"in_question": m.in_question, "count": m.count}),
        )
        for m in result.mentions
    ]


def broader_edges(concepts: Sequence[Concept]) -> list[Edge]:
    """One `broader` edge per (concept, broader concept)."""
    return [
        Edge(concept_node_id(c.name), concept_node_id(b), "broader")
        for c in concepts
        for b in c.broader
    ]


def _count_kinds(edges: Sequence[Edge]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for edge in edges:
        counts[edge.kind] += 1
    return dict(counts)
