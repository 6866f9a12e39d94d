"""Same-question links: one question asked in several sources, or twice in one.

Embeddings alone are a poor judge here: "Compare Lasso and Ridge Regression" and "What are
the differences between L1 and L2 regularization?" score 0.36 with MiniLM, while two
Uber questions about different predictions score 0.85. So a link needs the questions to
ask about the same concepts, with nothing else specific on either side, and the model to
agree they are similar; only near-identical wording links on similarity alone.

What a question asks about is its "core": the concepts its question names, without names
("Netflix"), without the corpus's broadest concepts, and without a concept whose broader
concept is also named (the question is then about the broader one). A concept that is
part of a compound the glossary names ("bias" of "bias-variance tradeoff") stands for the
compound, so "What is bias in a model?" asks the bias-variance question.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from qagraph.ingest.concepts.text import tokenize
from qagraph.ingest.concepts.words import GENERIC_NOUNS, word_class
from qagraph.ingest.neighbours import nearest_per_row, neighbour_pairs, pair_cosines
from qagraph.kb.records import Concept, Edge, QANode
from qagraph.kb.terms import term_key, term_tokens

logger = logging.getLogger(__name__)

# Rows of a same-concept block compared at once: bounds the memory of a large block.
_ROWS = 1024

# Words that frame a question rather than say what it is about.
_FRAME_WORDS = frozenset(
    """
    difference differences relationship relation compare comparison contrast explain
    describe define definition meaning intuition behind significance importance benefit
    benefits advantage advantages disadvantage disadvantages pros cons work works working
    use uses purpose type types kind kinds example examples main idea concept tradeoff
    tradeoffs trade-off trade-offs model models data
    """.split()
)


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Settings of same-question detection.

    Attributes:
        near_duplicate: Question similarity that links on wording alone.
        same_core: Similarity needed when the questions ask about the same concepts.
        same_core_pair: The same, when they ask about two concepts or more (comparing the
            same concepts is a strong sign on its own).
        subset: Similarity needed when one question's concepts contain the other's.
        narrowed: Similarity needed when a question's core left out a narrower concept it
            names ("translation invariance" of CNNs is then only "CNN"), as the question
            may well be about that narrower concept.
        max_share: A concept in more than this share of nodes is too broad to say what a
            question is about.
        min_nodes_for_share: Corpora smaller than this have no concept too broad.
        max_extra_words: Specific words one question may have that the other lacks.
        max_links: Same-question partners a node keeps at most, its closest ones. A
            question repeated more often than this (a corpus that copies a file many times)
            links to its nearest repeats only: the group stays connected through them,
            while the links, and every later stage that walks them, grow with the corpus
            rather than with the square of the group.
    """

    near_duplicate: float = 0.9
    same_core: float = 0.45
    same_core_pair: float = 0.3
    subset: float = 0.76
    narrowed: float = 0.6
    max_share: float = 0.15
    min_nodes_for_share: int = 20
    max_extra_words: int = 1
    max_links: int = 24

    def __post_init__(self) -> None:
        if self.max_links < 1:
            raise ValueError(f"max_links must be at least 1, not {self.max_links}")


class QuestionTopic(NamedTuple):
    """What one question asks about."""

    concepts: frozenset[str]
    core: frozenset[str]
    specific: frozenset[str]
    residual: frozenset[str]
    narrowed: bool


def question_topics(
    nodes: Sequence[QANode],
    question_concepts: Mapping[str, Sequence[str]],
    concepts: Sequence[Concept],
    *,
    skip: frozenset[str],
) -> list[QuestionTopic]:
    """The topic of each node's question.

    Args:
        nodes: The nodes.
        question_concepts: Names of the concepts each node's question mentions, by node id.
        concepts: All concepts (for broader links and names).
        skip: Concepts that never say what a question is about (names, broad concepts).
    """
    by_name = {c.name: c for c in concepts}
    topics = []
    for node in nodes:
        named = frozenset(c for c in question_concepts.get(node.id, ()) if c not in skip)
        core = frozenset(c for c in named if not set(by_name[c].broader) & named)
        specific = frozenset(c for c in named if not any(c in by_name[o].broader for o in named))
        lifted = frozenset(_lift(c, by_name) for c in core)
        names = [n for c in named for n in (c, *by_name[c].aliases)]
        # Word by word, and whole: "deep-learning" is one token of the question.
        covered = {t for n in names for t in _stems(n)} | {term_key(n) for n in names}
        residual = frozenset(
            key
            for token in tokenize(node.question)
            if token.word and not word_class(token.lower).stop
            for key in [term_key(token.lower)]
            if key not in covered and token.lower not in GENERIC_NOUNS | _FRAME_WORDS
        )
        topics.append(QuestionTopic(named, lifted, specific, residual, narrowed=core != named))
    return topics


def _lift(name: str, by_name: Mapping[str, Concept]) -> str:
    """The compound a concept is part of ("bias" -> "bias-variance tradeoff"), else itself."""
    words = set(_stems(name))
    for broader in by_name[name].broader:
        if broader in by_name and words < set(_stems(broader)):
            return broader
    return name


def _stems(name: str) -> list[str]:
    return [term_key(t) for t in term_tokens(name)]


def same_question_edges(
    nodes: Sequence[QANode],
    vectors: np.ndarray,
    topics: Sequence[QuestionTopic],
    config: LinkConfig | None = None,
) -> list[Edge]:
    """Edges between nodes that ask the same question, weighted by question similarity.

    Only the pairs a rule can link are tried: those close enough for the wording or the
    subset rule (each question's nearest neighbours in a FAISS index, see
    `qagraph.ingest.neighbours`), and those with the same core or the same specific
    concepts that are close enough for the concepts rule (a block of questions per core).
    Every other pair fails each rule, so the edges are those of trying every pair (up to
    `neighbours.EXACT_LIMIT` questions; above, the HNSW search may miss a few close
    pairs), at a cost that grows with the pairs tried rather than with the square of the
    corpus. A node with more than `max_links` partners keeps its closest (see
    `LinkConfig.max_links`).

    Args:
        nodes: The nodes.
        vectors: Unit vectors of the nodes' questions, one row per node.
        topics: The nodes' question topics (see `question_topics`).
        config: Thresholds.

    Returns:
        One edge per linked pair, from the earlier node to the later one, with the rule
        that linked them and the concepts they share in its data; ordered by the first
        node, then the second.
    """
    config = config or LinkConfig()
    n = len(nodes)
    vectors = np.ascontiguousarray(vectors[:n], dtype=np.float32)
    # The wording and subset rules need a close pair whatever the concepts.
    low = min(config.near_duplicate, config.subset)
    tried = [neighbour_pairs(vectors, low, k_max=config.max_links)]
    tried += _block_pairs(vectors, topics[:n], config)
    pairs = np.unique(np.concatenate(tried), axis=0) if n > 1 else np.zeros((0, 2), int)
    sims = pair_cosines(vectors, pairs)
    rules = [
        _rule(sim, topics[i], topics[j], config)
        for (i, j), sim in zip(pairs.tolist(), sims.tolist(), strict=True)
    ]
    linked = np.array([r is not None for r in rules], dtype=bool)
    linked[linked] = nearest_per_row(pairs[linked], sims[linked], config.max_links)
    edges = []
    for (i, j), sim, rule, keep in zip(pairs.tolist(), sims.tolist(), rules, linked, strict=True):
        if not keep:
            continue
        shared = sorted(topics[i].concepts & topics[j].concepts)
        data = {"rule": rule, "similarity": round(sim, 4), "concepts": shared}
        edges.append(
            Edge(
                nodes[i].id,
                nodes[j].id,
                "same_question",
                round(sim, 4),
                json.dumps(data, ensure_ascii=False),
            )
        )
    logger.debug(
        "%d same-question links among %d nodes (%d pairs tried)", len(edges), n, len(pairs)
    )
    return edges


def _block_pairs(
    vectors: np.ndarray, topics: Sequence[QuestionTopic], config: LinkConfig
) -> list[np.ndarray]:
    """Pairs (i < j) the concepts rule may link, a block of questions at a time.

    The rule needs the same core (or specific) concepts and at most
    `max_extra_words` other words apart (one, by default): so a block is the questions
    with one core and one set of other words, that set less one of its words being a
    block too. A block then holds near-repeats of one question, not every question
    about a popular concept, and costs its size squared. Only pairs close enough for the
    rule's lowest threshold are returned.
    """
    blocks: dict[tuple[str, frozenset[str], frozenset[str]], list[int]] = {}
    for i, topic in enumerate(topics):
        words = [topic.residual]
        if config.max_extra_words >= 1:
            words += [topic.residual - {w} for w in topic.residual]
        if config.max_extra_words > 1:
            words = [frozenset()]  # a looser rule: block on the concepts alone
        for kind, concepts in (("core", topic.core), ("specific", topic.specific)):
            if concepts:
                for other in words:
                    blocks.setdefault((kind, concepts, other), []).append(i)
    floor = min(config.same_core, config.same_core_pair, config.narrowed) - 1e-4
    out = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        rows = np.asarray(members, dtype=np.int64)
        block = vectors[rows]
        # A few rows at a time, so that a large block never needs its whole square.
        for start in range(0, len(rows), _ROWS):
            sims = block[start : start + _ROWS] @ block.T
            own = np.arange(start, start + len(sims))
            sims[np.arange(len(sims)), own] = -np.inf
            if len(rows) > config.max_links + 1:
                # A question repeated this often keeps its nearest repeats only.
                cut = np.partition(sims, -config.max_links, axis=1)[:, -config.max_links]
                sims[sims < cut[:, None]] = -np.inf
            a, b = np.nonzero(sims >= floor)
            pairs = np.sort(np.stack([rows[start + a], rows[b]], axis=1), axis=1)
            out.append(pairs)
    return out


def _rule(sim: float, a: QuestionTopic, b: QuestionTopic, config: LinkConfig) -> str | None:
    if sim >= config.near_duplicate:
        return "wording"
    extra = len(a.residual ^ b.residual)
    if extra > config.max_extra_words:
        return None
    for core_a, core_b, narrowed in (
        (a.core, b.core, a.narrowed or b.narrowed),
        (a.specific, b.specific, False),
    ):
        if core_a and core_a == core_b:
            floor = config.same_core_pair if len(core_a) > 1 else config.same_core
            if sim >= (max(floor, config.narrowed) if narrowed else floor):
                return "concepts"
    small, large = sorted((a.concepts, b.concepts), key=len)
    if small and small < large and sim >= config.subset:
        return "subset"
    return None


def groups_of(edges: Sequence[Edge]) -> list[list[str]]:
    """Connected groups of node ids linked by same-question edges, largest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for edge in edges:
        parent[find(edge.src)] = find(edge.dst)
    groups: dict[str, list[str]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))
