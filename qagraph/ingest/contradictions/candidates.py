"""Candidate pairs: nodes about the same thing whose answers are worth comparing.

Two nodes are candidates when they are linked as the same question, when their questions
are close in embedding space, when they are somewhat close and also share a salient word
or concept, or when their answers share many rare words (TF-IDF), which pairs "L1 and L2
regularization" with "Lasso and Ridge" although the questions name them differently.
Nodes of one source are compared only when the source asks the same question twice: a
source's answers to different questions are meant to differ.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from scipy import sparse

from qagraph.ingest.contradictions.claims import answer_segments
from qagraph.ingest.contradictions.words import content_key, content_lemmas, is_content, tokens
from qagraph.kb.records import Edge, QANode, normalize_question

logger = logging.getLogger(__name__)

# Rows of the similarity matrices computed at once: bounds memory on a large corpus.
_BLOCK = 512
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


def _repeated(nodes: Sequence[QANode], normal: Sequence[str]) -> set[frozenset[str]]:
    """Pairs of nodes asking the very same question (after normalisation)."""
    groups: dict[str, list[str]] = {}
    for node, text in zip(nodes, normal, strict=True):
        groups.setdefault(text, []).append(node.id)
    return {frozenset((x, y)) for ids in groups.values() for x in ids for y in ids if x < y}


def _answer_keys(answer: str) -> list[str]:
    return [content_key(t) for s in answer_segments(answer) for t in tokens(s) if is_content(t)]


def answer_vectors(nodes: Sequence[QANode]) -> sparse.csr_matrix:
    """Unit TF-IDF vectors of the answers' content words, one row per node.

    Lexical rather than embedded: the answers' rare shared words are what says two answers
    discuss the same thing, and it costs no model call. Sparse, so that a large corpus
    does not need a dense nodes-by-vocabulary matrix.
    """
    bags = [Counter(_answer_keys(n.answer)) for n in nodes]
    df = Counter(k for bag in bags for k in bag)
    vocab = {k: i for i, k in enumerate(sorted(df))}
    rows, cols, vals = [], [], []
    for row, bag in enumerate(bags):
        weights = {k: (1 + math.log(c)) * math.log(len(nodes) / df[k]) for k, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for key, weight in weights.items():
            rows.append(row)
            cols.append(vocab[key])
            vals.append(weight / norm)
    shape = (len(nodes), len(vocab))
    return sparse.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)


def _close_pairs(
    questions: np.ndarray,
    answers: sparse.csr_matrix,
    min_question: float,
    min_answer: float,
    keep: Callable[[int, int, np.ndarray, np.ndarray], np.ndarray | None] | None = None,
) -> list[tuple[int, int, float, float]]:
    """(i, j, question cosine, answer cosine) of every pair i < j close by either measure,
    computed a block of rows at a time so that memory stays linear in the corpus.

    `keep(start, stop, q, a)`, given a block's rows and its two similarity matrices, may
    return a mask of the pairs worth returning (None: all)."""
    out = []
    for start in range(0, questions.shape[0], _BLOCK):
        stop = min(start + _BLOCK, questions.shape[0])
        q = questions[start:stop] @ questions.T
        a = (answers[start:stop] @ answers.T).toarray()
        mask = (q >= min_question) | (a >= min_answer)
        mask &= np.arange(questions.shape[0])[None, :] > np.arange(start, stop)[:, None]
        if keep is not None and (kept := keep(start, stop, q, a)) is not None:
            mask &= kept
        for i, j in zip(*np.nonzero(mask), strict=True):
            out.append((start + int(i), int(j), float(q[i, j]), float(a[i, j])))
    return out


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


def _pair_filter(
    *,
    question_sim: float,
    related_sim: float,
    same_question_sim: float,
    answer_sim: float,
    related_answer_sim: float,
    answer_question_sim: float,
    shared_keys: sparse.csr_matrix,
    forced: dict[int, set[int]],
) -> Callable[[int, int, np.ndarray, np.ndarray], np.ndarray]:
    """The mask of the pairs `find_candidates` can keep, a block at a time.

    A pair the loop below would drop whatever its sources (no reason applies) is not
    worth holding: with a loose `answer_question_sim` most pairs of a large corpus are
    close enough to be looked at, few enough to be kept. Linked and repeated pairs are
    always returned (`forced`), so their similarities come from the same matrices.
    """

    def keep(start: int, stop: int, q: np.ndarray, a: np.ndarray) -> np.ndarray:
        mask = (q >= question_sim) | (q >= same_question_sim) | (a >= answer_sim)
        mask |= (a >= related_answer_sim) & (q >= answer_question_sim)
        related = q >= related_sim
        if related.any():
            shared = (shared_keys[start:stop] @ shared_keys.T).toarray() > 0
            mask |= related & shared
        for i in range(start, stop):
            for j in forced.get(i, ()):
                mask[i - start, j] = True
        return mask

    return keep


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
        max_per_node: Most candidates per node; same-question pairs are always kept.

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
    always = linked | _repeated(nodes, normal)
    forced: dict[int, set[int]] = {}
    for key in always:
        i, j = sorted(index[node_id] for node_id in key)
        forced.setdefault(i, set()).add(j)
    keep = _pair_filter(
        question_sim=question_sim,
        related_sim=related_sim,
        same_question_sim=same_question_sim,
        answer_sim=answer_sim,
        related_answer_sim=related_answer_sim,
        answer_question_sim=answer_question_sim,
        shared_keys=_key_matrix(
            [_tagged(salient_concepts[n.id], salient_words[n.id]) for n in nodes]
        ),
        forced=forced,
    )
    pairs = {
        (i, j): (q, a)
        for i, j, q, a in _close_pairs(
            question_vectors,
            tfidf,
            min(related_sim, answer_question_sim),
            min(answer_sim, related_answer_sim),
            keep,
        )
    }
    # Linked pairs and repeated questions are compared whatever their vectors say.
    for key in always:
        i, j = sorted(index[node_id] for node_id in key)
        if (i, j) not in pairs:
            q = float(question_vectors[i] @ question_vectors[j])
            a = float((tfidf[i] @ tfidf[j].T).toarray()[0, 0])
            pairs[i, j] = (q, a)
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
    out = []
    for _, _, cand in found:
        if not cand.same_question and max(counts[cand.a], counts[cand.b]) >= max_per_node:
            continue
        counts[cand.a] += 1
        counts[cand.b] += 1
        out.append(cand)
    out.sort(key=lambda c: (index[c.a], index[c.b]))
    logger.debug("%d candidate pairs among %d nodes", len(out), len(nodes))
    return out
