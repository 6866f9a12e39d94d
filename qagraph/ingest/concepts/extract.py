"""Concept extraction: from question/answer nodes to concepts, mentions and broader links.

The steps, each in its own module: candidate noun phrases (`candidates`), names the text
defines (`acronyms`), the curated glossary (`glossary`), variant folding (`groups`,
`variants`), the evidence each concept needs (`select`), and what each node mentions
(`mentions`). A node the rules leave without a concept gets its best keyphrase, scored
against the node by embedding similarity as KeyBERT does, so that every node can be
reached by concept.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from qagraph.encoders import Encoder
from qagraph.ingest.concepts.acronyms import find_definitions
from qagraph.ingest.concepts.candidates import Candidate, collect_candidates
from qagraph.ingest.concepts.embed import PhraseVectors, embed_nodes
from qagraph.ingest.concepts.fallback import cover_bare_nodes
from qagraph.ingest.concepts.glossary import load_glossary
from qagraph.ingest.concepts.groups import Groups, build_groups, merge_into
from qagraph.ingest.concepts.mentions import NodeMention, find_mentions, resolve_ambiguous
from qagraph.ingest.concepts.records import Mention, build_records
from qagraph.ingest.concepts.select import (
    Thresholds,
    corpus_generic,
    free_shares,
    group_name,
    is_name,
    keep_group,
    name_words,
    relevance,
)
from qagraph.ingest.concepts.variants import synonym_pairs
from qagraph.kb.records import Concept, QANode

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConceptConfig:
    """Settings of concept extraction.

    Attributes:
        glossary_paths: Glossary files that extend (or override entries of) the built-in one.
        builtin_glossary: Use the machine-learning glossary shipped with qagraph.
        min_nodes: Nodes a phrase must occur in to be a concept (glossary and defined
            names excepted).
        min_free_share: Share of a phrase's occurrences that must stand outside a longer
            recurring phrase.
        max_node_share: A single word in more than this share of the nodes is too general
            to be a concept (applied from 20 nodes up).
        min_relevance: Mean similarity to its nodes a single dictionary word needs.
        typo_ratio: rapidfuzz ratio (0-100) from which a rare spelling is a typo of a
            frequent one.
        extension_similarity: Similarity from which "X model" names the same as "X".
        synonym_similarity: Similarity from which two names with no word in common are
            one concept; high, as embeddings also rate related concepts alike.
        cover_all_nodes: Give a node with no concept its best keyphrase.
        max_words: Longest candidate phrase, in words.
        glossary_texts: (path, text) pairs: the content of some `glossary_paths`, read
            instead of the file (the ingest pipeline passes what it has read and hashed).
    """

    glossary_paths: tuple[str, ...] = ()
    builtin_glossary: bool = True
    min_nodes: int = 2
    min_free_share: float = 0.3
    max_node_share: float = 0.2
    min_relevance: float = 0.3
    typo_ratio: float = 92.0
    extension_similarity: float = 0.8
    synonym_similarity: float = 0.92
    cover_all_nodes: bool = True
    max_words: int = 4
    glossary_texts: tuple[tuple[str, str], ...] = ()


class ConceptResult(NamedTuple):
    """Concepts of a corpus and who mentions them.

    Attributes:
        concepts: The concepts, by name.
        mentions: One per (node, concept), in node order.
        nodes: The input nodes with `concepts` filled, most salient first.
        stats: Counts for logs and the manifest.
    """

    concepts: list[Concept]
    mentions: list[Mention]
    nodes: list[QANode]
    stats: dict[str, Any]


def extract_concepts(
    nodes: Sequence[QANode],
    *,
    encoder: Encoder,
    config: ConceptConfig | None = None,
    phrases: PhraseVectors | None = None,
) -> ConceptResult:
    """Find the concepts of a corpus and the nodes that mention each.

    Args:
        nodes: All nodes of the knowledge base (concepts are corpus-wide).
        encoder: The embedding model (relevance scores, near-synonyms, fallbacks).
        config: Settings; the defaults suit most corpora.
        phrases: A phrase-vector cache to share with later steps; a new one if None.

    Returns:
        Concepts, mentions, nodes with their concepts, and statistics.

    Raises:
        GlossaryError: A glossary file is missing or malformed.
    """
    config = config or ConceptConfig()
    nodes = list(nodes)
    glossary = load_glossary(
        config.glossary_paths,
        builtin=config.builtin_glossary,
        texts=dict(config.glossary_texts),
    )
    if not nodes:
        return ConceptResult([], [], [], {"concepts": 0})
    candidates = collect_candidates(nodes, max_words=config.max_words)
    phrases = phrases if phrases is not None else PhraseVectors(encoder)
    groups = build_groups(
        candidates,
        glossary,
        find_definitions(nodes),
        phrases.matrix,
        typo_ratio=config.typo_ratio,
        extension_similarity=config.extension_similarity,
    )
    node_vectors = embed_nodes(nodes, encoder)
    kept = _select(groups, candidates, node_vectors, phrases, config, len(nodes))
    synonyms = _merge_synonyms(groups, kept, phrases, config)
    resolved = _mentions(nodes, groups, kept, glossary, node_vectors, phrases, {})
    fallbacks: dict[str, set[int]] = {}
    if config.cover_all_nodes:
        fallbacks = cover_bare_nodes(candidates, groups, kept, resolved, node_vectors, phrases)
        if fallbacks:
            kept |= fallbacks.keys()
            resolved = _mentions(nodes, groups, kept, glossary, node_vectors, phrases, fallbacks)
    names = {gid for gid in kept if is_name(groups.by_id[gid])}
    concepts, mentions, named = build_records(nodes, groups, resolved, glossary, names)
    stats = {
        "candidates": len(candidates),
        "concepts": len(concepts),
        "merged": {**groups.merges, "synonym": synonyms},
        "fallbacks": len(fallbacks),
        "covered_nodes": sum(bool(n.concepts) for n in named),
        "nodes": len(named),
    }
    logger.info("concepts: %s", stats)
    return ConceptResult(concepts, mentions, named, stats)


def _select(
    groups: Groups,
    candidates: dict[str, Candidate],
    node_vectors: np.ndarray,
    phrases: PhraseVectors,
    config: ConceptConfig,
    n_nodes: int,
) -> set[str]:
    generic = corpus_generic(groups.by_id, n_nodes, config.max_node_share)
    limits = Thresholds(
        config.min_nodes,
        config.min_free_share,
        config.max_node_share,
        generic=generic,
        names=name_words(groups.by_id),
    )
    free = free_shares(candidates, config.min_nodes)
    kept: set[str] = set()
    undecided: dict[str, str] = {}
    for gid, group in groups.by_id.items():
        name = group_name(group)
        counts = [(free.get(k, 0.0), candidates[k].count) for k in group.keys if k in candidates]
        total = sum(c for _, c in counts)
        verdict = keep_group(
            group,
            name,
            n_nodes=n_nodes,
            free=sum(f * c for f, c in counts) / total if total else 1.0,
            limits=limits,
        )
        if verdict is None:
            undecided[gid] = name
        elif verdict:
            kept.add(gid)
    if undecided:
        vectors = phrases.matrix(list(undecided.values()))
        for (gid, _), vector in zip(undecided.items(), vectors, strict=True):
            score = relevance(vector, node_vectors, groups.by_id[gid].nodes)
            if score >= config.min_relevance:
                kept.add(gid)
    return kept


def _merge_synonyms(
    groups: Groups, kept: set[str], phrases: PhraseVectors, config: ConceptConfig
) -> int:
    """Fold kept groups whose names the model rates as the same concept."""
    names = {gid: group_name(groups.by_id[gid]) for gid in kept}
    multi = {gid: n for gid, n in names.items() if len(n.split()) > 1}
    vectors = dict(zip(multi, phrases.matrix(list(multi.values())), strict=True))
    merged = 0
    for a, b in synonym_pairs(multi, vectors, min_similarity=config.synonym_similarity):
        if a in groups.by_id and b in groups.by_id and a != b:
            keep, other = sorted((a, b), key=lambda g: -len(groups.by_id[g].nodes))
            if groups.by_id[other].glossary and not groups.by_id[keep].glossary:
                keep, other = other, keep
            if groups.by_id[keep].glossary and groups.by_id[other].glossary:
                continue
            logger.debug("merge (synonym): %r <- %r", names[keep], names[other])
            merge_into(groups, keep, other)
            kept.discard(other)
            merged += 1
    return merged


def _mentions(
    nodes: Sequence[QANode],
    groups: Groups,
    kept: set[str],
    glossary: Any,
    node_vectors: np.ndarray,
    phrases: PhraseVectors,
    local: dict[str, set[int]],
) -> list[dict[str, NodeMention]]:
    of_key = {k: g for k, g in groups.of_key.items() if g in kept}
    resolved, unresolved = find_mentions(nodes, of_key, groups.ambiguous)
    group_of_name = {
        g.glossary: gid for gid, g in groups.by_id.items() if g.glossary and gid in kept
    }

    def gloss(gid: str) -> str:
        entry = glossary.entry(groups.by_id[gid].glossary)
        return entry.description or entry.name

    def similarity(index: int, gid: str) -> float:
        return float(phrases[gloss(gid)] @ node_vectors[index])

    # One encoder call for every sense that may be needed, not one per mention.
    phrases.add(
        gloss(gid)
        for names in groups.ambiguous.values()
        for n in names
        if (gid := group_of_name.get(n)) is not None
    )

    resolve_ambiguous(nodes, resolved, unresolved, groups.ambiguous, group_of_name, similarity)
    # A name, or a keyphrase kept only to give one node a concept, is linked from the
    # nodes whose question says it (and that one node); in passing it says little.
    names = {gid for gid in kept if is_name(groups.by_id[gid])}
    for index, found in enumerate(resolved):
        for gid, mention in list(found.items()):
            if mention.in_question or index in local.get(gid, ()):
                continue
            if gid in names or gid in local:
                del found[gid]
    return resolved
