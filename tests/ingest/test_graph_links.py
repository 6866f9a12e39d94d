"""Same-question and related links, with hand-made vectors so similarities are exact."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qagraph.ingest.graph import GraphConfig, build_graph
from qagraph.ingest.links import LinkConfig, groups_of, question_topics, same_question_edges
from qagraph.ingest.related import RelatedConfig, related_edges
from qagraph.kb.records import Concept, QANode, concept_node_id, make_node_id

CONCEPTS = [
    Concept("regularization"),
    Concept("l1 regularization", ("lasso",), ("regularization",)),
    Concept("l2 regularization", ("ridge regression", "ridge"), ("regularization",)),
    Concept("bias-variance tradeoff"),
    Concept("bias", (), ("bias-variance tradeoff",)),
    Concept("convolutional neural network", ("cnn",)),
    Concept(
        "translation invariance", ("translation invariant",), ("convolutional neural network",)
    ),
    Concept("recommendation system", ("recommendation engine",)),
    Concept("netflix", origin="name"),
]


def qa(source: str, question: str) -> QANode:
    return QANode(make_node_id(source, question), source, None, None, question, "x", 1, 1, True)


def vectors_with(similarity: float, n: int = 2) -> np.ndarray:
    """n unit vectors whose pairwise cosine is `similarity`."""
    base = np.eye(n + 1)[0]
    rows = [
        math.sqrt(similarity) * base + math.sqrt(1 - similarity) * np.eye(n + 1)[i + 1]
        for i in range(n)
    ]
    return np.array(rows, dtype=np.float32)


def link(questions: list[tuple[str, str]], concepts: list[list[str]], similarity: float):
    nodes = [qa(source, q) for source, q in questions]
    named = {n.id: c for n, c in zip(nodes, concepts, strict=True)}
    topics = question_topics(nodes, named, CONCEPTS, skip=frozenset({"netflix"}))
    return same_question_edges(nodes, vectors_with(similarity, len(nodes)), topics)


def test_vectors_helper() -> None:
    v = vectors_with(0.4, 3)
    assert np.allclose(v @ v.T, [[1, 0.4, 0.4], [0.4, 1, 0.4], [0.4, 0.4, 1]], atol=1e-6)


def test_same_wording_links_even_in_one_source() -> None:
    edges = link(
        [("a.md", "Compare bagging and boosting."), ("a.md", "Compare bagging and boosting.")],
        [[], []],
        0.99,
    )
    assert [e.attrs["rule"] for e in edges] == ["wording"]


def test_the_same_concepts_in_other_words_link() -> None:
    edges = link(
        [
            ("a.md", "What are the differences between L1 and L2 regularization?"),
            ("b.md", "What's the difference between Lasso and Ridge Regression?"),
        ],
        [
            ["regularization", "l1 regularization", "l2 regularization"],
            ["l1 regularization", "l2 regularization"],
        ],
        0.36,
    )
    assert len(edges) == 1 and edges[0].attrs["rule"] == "concepts"
    assert edges[0].attrs["concepts"] == ["l1 regularization", "l2 regularization"]


def test_a_part_stands_for_its_compound() -> None:
    edges = link(
        [("a.md", "What is bias in a model?"), ("b.md", "Explain the bias-variance tradeoff.")],
        [["bias"], ["bias-variance tradeoff"]],
        0.57,
    )
    assert len(edges) == 1


def test_different_scenarios_do_not_link() -> None:
    edges = link(
        [
            ("a.md", "How would you build a recommendation engine for job postings?"),
            ("b.md", "How would you build a restaurant recommendation engine for Facebook?"),
        ],
        [["recommendation system"], ["recommendation system"]],
        0.85,
    )
    assert edges == []


def test_a_question_about_a_narrower_concept_needs_more_similarity() -> None:
    questions = [
        ("a.md", "What makes CNNs translation invariant?"),
        ("b.md", "Explain the architecture of a CNN."),
    ]
    concepts = [
        ["convolutional neural network", "translation invariance"],
        ["convolutional neural network"],
    ]
    assert link(questions, concepts, 0.55) == []
    assert len(link(questions, concepts, 0.65)) == 1


def test_unrelated_questions_and_names_do_not_link() -> None:
    assert (
        link(
            [("a.md", "Why join Netflix?"), ("b.md", "What is Netflix like?")],
            [["netflix"], ["netflix"]],
            0.8,
        )
        == []
    )


def test_groups_are_connected_components() -> None:
    edges = link(
        [
            ("a.md", "What is bias in a model?"),
            ("b.md", "Explain the bias-variance tradeoff."),
            ("c.md", "Bias and variance?"),
            ("d.md", "What is a CNN?"),
        ],
        [
            ["bias"],
            ["bias-variance tradeoff"],
            ["bias-variance tradeoff"],
            ["convolutional neural network"],
        ],
        0.6,
    )
    groups = groups_of(edges)
    assert len(groups) == 1 and len(groups[0]) == 3


def test_related_edges_by_npmi_and_similarity() -> None:
    concepts = [Concept(n) for n in ("a", "b", "c", "everywhere")]
    nodes_of = {"a": {"1", "2"}, "b": {"1", "2"}, "c": {"3"}, "everywhere": {"1", "2", "3", "4"}}
    vectors = {
        "a": np.array([1.0, 0.0]),
        "b": np.array([0.0, 1.0]),
        "c": np.array([0.6, 0.8]),
        "everywhere": np.array([0.0, 1.0]),
    }
    edges = related_edges(concepts, nodes_of, 4, vectors, RelatedConfig(min_similarity=0.75))
    pairs = {(e.src, e.dst): e for e in edges}
    ab = pairs[(concept_node_id("a"), concept_node_id("b"))]
    assert ab.weight == pytest.approx(1.0) and ab.attrs["cooccurrence"] == 2
    # Always there, so meeting it tells nothing; but "c" means alike and is kept.
    assert (concept_node_id("a"), concept_node_id("everywhere")) not in pairs
    assert pairs[(concept_node_id("b"), concept_node_id("c"))].attrs["similarity"] == 0.8


def test_build_graph_edge_kinds(hashing_encoder) -> None:
    nodes = [
        qa("a.md", "What is L1 regularization?"),
        qa("b.md", "What is L1 regularization?"),
        qa("b.md", "What is ridge regression?"),
        qa("c.md", "Why use regularization?"),
    ]
    graph = build_graph(nodes, encoder=hashing_encoder, config=GraphConfig())
    kinds = {e.kind for e in graph.edges}
    assert {"mentions", "broader", "same_question"} <= kinds
    assert graph.stats["same_question_groups"] == 1
    assert LinkConfig().near_duplicate > LinkConfig().same_core
