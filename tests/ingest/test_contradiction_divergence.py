"""Divergent answers by topic: an answer that names none of its question's topics, next to one
that does, answers another question; a narrower concept or words the corpus ties to the
topic keep an answer on it."""

from __future__ import annotations

import numpy as np

from qagraph.ingest.contradictions.divergence import DivergenceThresholds, _off_topic
from qagraph.ingest.contradictions.propositions import ConceptNames
from qagraph.ingest.contradictions.topics import Topics
from qagraph.kb.records import QANode


def _node(node_id: str, question: str, answer: str) -> QANode:
    return QANode(node_id, f"{node_id}.md", None, None, question, answer, 1, 2, True)


NAMES = ConceptNames(
    [
        ("activation function", ()),
        ("sigmoid function", ("sigmoid",)),
        ("relu", ()),
        ("decision tree", ()),
    ]
)
NARROWER = {"activation function": {"sigmoid function", "relu"}}
NODES = [
    _node("types", "Types of activation functions", "Sigmoid: output 0 to 1. ReLU: 0 to infinity."),
    _node(
        "train",
        "How do we train decision trees?",
        "Start at the root node, choose the split that lowers node impurity, repeat.",
    ),
    _node("t1", "What is a decision tree?", "A tree whose root node splits into child nodes."),
    _node("t2", "What are decision tree parameters?", "Depth of the tree and node impurity."),
    _node("t3", "Pruning a decision tree", "Cut a tree's nodes after the split."),
    _node(
        "pod",
        "How would you build a playlist for a music service?",
        "Ask how many podcast searches are text based and whether search is assessed.",
    ),
]


def test_coverage_counts_narrower_concepts_and_question_words() -> None:
    topics = Topics(NODES, NAMES, NARROWER)
    by_id = {n.id: n for n in NODES}
    assert topics.coverage(by_id["types"]) == 1.0  # sigmoid and relu are activation functions
    assert topics.coverage(by_id["pod"]) == 0.0
    # "tree" is in the answer: part of the question is covered.
    assert 0.0 < topics.coverage(by_id["t1"]) <= 1.0


def test_words_the_corpus_ties_to_the_question_keep_an_answer_on_topic() -> None:
    topics = Topics(NODES, NAMES, NARROWER)
    by_id = {n.id: n for n in NODES}
    # No word of its question, but "node", "split" and "impurity" go with "decision" and
    # "tree" in other nodes of the corpus.
    assert topics.coverage(by_id["train"]) == 0.0
    assert topics.associated(by_id["train"]) > 0.3
    assert topics.associated(by_id["pod"]) == 0.0


def test_misfit_is_how_much_better_another_question_fits() -> None:
    questions = np.eye(3, dtype=np.float32)
    nodes = NODES[:3]
    topics = Topics(nodes, NAMES, NARROWER, questions=questions)
    answer = np.array([0.2, 0.9, 0.1], dtype=np.float32)
    assert round(topics.misfit(nodes[0], answer), 2) == 0.7
    assert topics.misfit(nodes[1], answer) < 0


def test_the_topic_test() -> None:
    t = DivergenceThresholds()
    # Off-topic: no word of its question, the other answer fits it better.
    assert _off_topic((0.0, 0.6), (0.3, 0.5), (0.45, 0.2), 0.45, 0.02, 0.1, 0.0, t)
    # Its words are tied to the question's topic in the corpus: on topic.
    assert not _off_topic((0.0, 0.6), (0.3, 0.5), (0.45, 0.2), 0.45, 0.02, 0.1, 0.8, t)
    # Some words of its question, and it fits no other question much better.
    assert not _off_topic((0.35, 1.0), (0.3, 0.5), (0.5, 0.2), 0.45, 0.02, 0.19, 0.3, t)
    assert _off_topic((0.35, 1.0), (0.28, 0.64), (0.57, 0.22), 0.44, 0.07, 0.38, 0.3, t)
    # Both answers cover their questions: no divergence.
    assert not _off_topic((1.0, 1.0), (0.3, 0.5), (0.5, 0.2), 0.45, 0.02, 0.5, 0.0, t)
