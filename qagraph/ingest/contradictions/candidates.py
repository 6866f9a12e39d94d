"""Candidate pairs: nodes about the same thing whose answers are worth comparing.

Two nodes are candidates when they are linked as the same question, when their questions
are close in embedding space, when they are somewhat close and also share a salient word
or concept, or when their answers share many rare words (TF-IDF), which pairs "L1 and L2
regularization" with "Lasso and Ridge" although the questions name them differently.
Nodes of one source are compared only when the source asks the same question twice: a
source's answers to different questions are meant to differ.

The pairs tried are each node's nearest questions (those asking the same question among
them) and nearest answers (FAISS, see `qagraph.ingest.neighbours` and `answer_pairs`), and
the linked and repeated ones: O(N k) pairs rather than all N^2. A node keeps
`max_per_node` partners at most, so a few times that many neighbours are plenty.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse

from qagraph.ingest.contradictions.answer_pairs import answer_pairs, answer_vectors, pair_products
from qagraph.ingest.contradictions.words import content_lemmas
from qagraph.ingest.neighbours import neighbour_pairs, pair_cosines
from qagraph.kb.records import Edge, QANode, normalize_question

logger = logging.getLogger(__name__)

# Nearest neighbours tried per node, at least (more with a larger `max_per_node`).
_K_MAX = 64
# Question words that every interview question shares; never evidence of a shared topic.
_GENERIC = frozenset(
    """
    explain describe difference differences compare work works model models machine learn
    learning data build would approach method methods technique techniques algorithm
    algorithms problem use type types system design mention give handle how would
    """.split()
)


class Candidate(NamedTuple):
    """Two nodes to compare; `a` comes before `b` in the order of the node list.

    Attributes:
        a: Id of the first node.
        b: Id of the second node.
        question_sim: Cosine of the two questions.
        same_question: True when both ask the same question: same text, near-identical
            embedding, or a `same_question` link between close questions.
        reason: Why they were paired: "same_question", "linked", "question",
            "shared:<word>" or "answers".
    """

    a: str
    b: str
    question_sim: float
    same_question: bool
    reason: str


def _concepts(nodes: Sequence[QANode], edges: Sequence[Edge]) -> dict[str, set[str]]:
    found = {n.id: set(n.concepts) for n in nodes}
    for edge in edges:
        if edge.kind == "mentions" and edge.src in found:
            found[edge.src].add(edge.dst.removeprefix("concept:"))
    return found


def _salient(keys: dict[str, set[str]], n_nodes: int) -> dict[str, set[str]]:
    """Keep the keys few nodes share: a word in every question says nothing about a pair."""
    df = Counter(k for ks in keys.values() for k in ks)
    limit = max(2, int(0.05 * n_nodes))
    return {node: {k for k in ks if df[k] <= limit} for node, ks in keys.items()}


def _repeated(nodes: Sequence[QANode], normal: Sequence[str], window: int) -> set[frozenset[str]]:
    """Pairs of nodes asking the very same question (after normalisation): each with the
    `window` next ones of its group, which keeps a large group connected in O(size)."""
    groups: dict[str, list[str]] = {}
    for node, text in zip(nodes, normal, strict=True):
        groups.setdefault(text, []).append(node.id)
    return {
        frozenset((x, y))
        for ids in groups.values()
        for at, x in enumerate(ids)
        for y in ids[at + 1 : at + 1 + window]
    }


def _pairs_to_try(
    questions: np.ndarray,
    answers: sparse.csr_matrix,
    *,
    min_question: float,
    min_answer: float,
    k_max: int,
) -> np.ndarray:
    """Pairs (i < j) that may be candidates: near neighbours by question (same-question
    pairs, closer still, are the nearest of them) and near neighbours by answer TF-IDF."""
    found = [
        neighbour_pairs(
            np.ascontiguousarray(questions, dtype=np.float32), min_question, k_max=k_max
        ),
        answer_pairs(answers, min_answer, k_max=k_max),
    ]
    return np.unique(np.concatenate(found), axis=0)


def _key_matrix(keys: Sequence[set[str]]) -> sparse.csr_matrix:
    """One row per node, one column per key, 1 where the node has the key."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for row, found in enumerate(keys):
        for key in found:
            rows.append(row)
            cols.append(vocab.setdefault(key, len(vocab)))
    shape = (len(keys), max(len(vocab), 1))
    return sparse.csr_matrix(([1.0] * len(rows), (rows, cols)), shape=shape, dtype=np.float32)


def _tagged(concepts: set[str], words: set[str]) -> set[str]:
    """Concept and word keys kept apart: only a concept shared as a concept counts."""
    return {f"c:{c}" for c in concepts} | {f"w:{w}" for w in words}


def find_candidates(
    nodes: Sequence[QANode],
    question_vectors: np.ndarray,
    edges: Sequence[Edge],
    *,
    question_sim: float,
    related_sim: float,
    same_question_sim: float,
    answer_sim: float,
    related_answer_sim: float,
    answer_question_sim: float,
    max_per_node: int,
    max_same_per_node: int = 24,
) -> list[Candidate]:
    """Pairs of answered nodes to compare, same-question pairs first, then by similarity.

    Args:
        nodes: Answered nodes, in the knowledge base's order.
        question_vectors: Unit vectors of their questions, one row per node.
        edges: Graph edges; `same_question` and `mentions` edges are used when present.
        question_sim: Cosine from which two questions alone make a candidate.
        related_sim: Lower cosine that suffices with a shared salient word or concept.
        same_question_sim: Cosine from which two questions count as the same question.
        answer_sim: TF-IDF cosine of the answers from which they alone make a candidate.
        related_answer_sim: Lower answer TF-IDF cosine that suffices when the question
            cosine is at least `answer_question_sim`.
        answer_question_sim: See `related_answer_sim`.
        max_per_node: Most candidates per node, besides same-question pairs.
        max_same_per_node: Most same-question candidates per node, its closest.

    Returns:
        Candidates in a deterministic order.
    """
    index = {n.id: i for i, n in enumerate(nodes)}
    normal = [normalize_question(n.question) for n in nodes]
    linked = {
        frozenset((e.src, e.dst))
        for e in edges
        if e.kind == "same_question" and e.src in index and e.dst in index and e.src != e.dst
    }
    words = {n.id: set(content_lemmas(n.question)) - _GENERIC for n in nodes}
    salient_words = _salient(words, len(nodes))
    salient_concepts = _salient(_concepts(nodes, edges), len(nodes))
    tfidf = answer_vectors(nodes)
    always = linked | _repeated(nodes, normal, max_same_per_node)
    forced_pairs = {tuple(sorted(index[node_id] for node_id in key)) for key in always}
    tried = [
        _pairs_to_try(
            question_vectors,
            tfidf,
            min_question=min(question_sim, related_sim, same_question_sim, answer_question_sim),
            min_answer=answer_sim,
            # A node keeps `max_per_node` partners, and `max_same_per_node` asking the
            # same question, at most: a few times that many neighbours are plenty.
            k_max=max(_K_MAX, 4 * max_per_node, 2 * max_same_per_node),
        )
    ]
    # Linked pairs and repeated questions are compared whatever their vectors say.
    tried += [np.array(sorted(forced_pairs), dtype=np.int64).reshape(-1, 2)]
    pairs = np.unique(np.concatenate(tried), axis=0)
    q = pair_cosines(question_vectors, pairs)
    ans = pair_products(tfidf, pairs)
    # Vectorised first: most pairs tried meet no reason, and a loop over them all is slow.
    shared_keys = _key_matrix([_tagged(salient_concepts[n.id], salient_words[n.id]) for n in nodes])
    n = len(nodes)
    forced = np.isin(pairs[:, 0] * n + pairs[:, 1], [i * n + j for i, j in forced_pairs])
    keep = (q >= question_sim) | (q >= same_question_sim) | (ans >= answer_sim) | forced
    keep |= (ans >= related_answer_sim) & (q >= answer_question_sim)
    related = ~keep & (q >= related_sim)
    if related.any():
        keep[related] = pair_products(shared_keys, pairs[related]) > 0
    pairs = {
        (int(i), int(j)): (float(x), float(y))
        for (i, j), x, y in zip(pairs[keep].tolist(), q[keep], ans[keep], strict=True)
    }
    found: list[tuple[int, float, Candidate]] = []
    for (i, j), (sim, answer) in pairs.items():
        a, b = nodes[i], nodes[j]
        link = frozenset((a.id, b.id)) in linked
        # A link alone is too loose to call two questions the same ("bias in a model" and
        # "variance in a model" may be linked): it needs a close question too.
        same = normal[i] == normal[j] or sim >= same_question_sim or (link and sim >= question_sim)
        if a.source == b.source and not same:
            continue
        shared = sorted(
            (salient_concepts[a.id] & salient_concepts[b.id])
            | (salient_words[a.id] & salient_words[b.id])
        )
        if same:
            reason = "same_question"
        elif link:
            reason = "linked"
        elif sim >= question_sim:
            reason = "question"
        elif sim >= related_sim and shared:
            reason = f"shared:{shared[0]}"
        elif answer >= answer_sim or (answer >= related_answer_sim and sim >= answer_question_sim):
            reason = "answers"
        else:
            continue
        found.append((0 if same else 1, -sim, Candidate(a.id, b.id, sim, same, reason)))
    found.sort(key=lambda t: (t[0], t[1], index[t[2].a], index[t[2].b]))
    counts: Counter[str] = Counter()
    same_counts: Counter[str] = Counter()
    out = []
    for _, _, cand in found:
        # Same-question pairs come first, closest first: each node keeps its nearest.
        if cand.same_question:
            if min(same_counts[cand.a], same_counts[cand.b]) >= max_same_per_node:
                continue
            same_counts[cand.a] += 1
            same_counts[cand.b] += 1
        elif max(counts[cand.a], counts[cand.b]) >= max_per_node:
            continue
        else:
            counts[cand.a] += 1
            counts[cand.b] += 1
        out.append(cand)
    out.sort(key=lambda c: (index[c.a], index[c.b]))
    logger.debug("%d candidate pairs among %d nodes", len(out), len(nodes))
    return out
