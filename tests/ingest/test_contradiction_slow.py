"""Contradiction detection with the real model: the bundled corpus and the labelled set's
documents against the shipped labelled set, and extra documents that contradict, or agree
with, the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qagraph.ingest.contradictions import detect_contradictions
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ingest.readers import read_document
from qagraph.ingest.split import SplitterConfig, split_document
from qagraph.kb import QANode, Store

pytestmark = pytest.mark.slow

CONTRARIAN = """\
# Contrarian notes

## What is the difference between random forests and decision trees?

A random forest is an ensemble of decision trees trained on bootstrapped samples.
Random forests are more prone to overfitting than decision trees.

## What are the differences between L1 and L2 regularization?

L2 is more robust than L1. Both add a penalty to the loss.

## How does batch normalization work?

Batch normalization does not compute the mean and variance per mini-batch; it uses \
statistics of the whole training set.

## What are the different types of activation functions?

The sigmoid activation function squashes values to a range between -1 and 1.
ReLU is used in hidden layers.

## What is gradient descent?

Gradient descent is an optimization technique that maximizes loss by taking steps in the \
direction of steepest descent.
"""

AGREEING = """\
# Agreeing notes

## What is the difference between random forests and decision trees?

Random forests are less prone to overfitting than decision trees.
Decision trees are more prone to overfitting than random forests.

## What are the differences between L1 and L2 regularization?

L1 is more robust than L2. L2 always has one stable solution.

## How does batch normalization work?

Batch normalization computes the mean and variance of each mini-batch and does not use \
statistics of the whole training set.

## What are the different types of activation functions?

The sigmoid activation function squashes values to a range between 0 and 1. The tanh \
function outputs values between -1 and 1.

## If the number of trees in a random forest is increased, will the accuracy keep increasing?

Adding more trees does not necessarily improve accuracy. Beyond some point, the accuracy \
stops improving.

## What is gradient descent?

The gradient points in the direction of steepest ascent, so gradient descent steps the \
opposite way to minimize the loss.
"""


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory, minilm_encoder) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "store"
    assert ingest(None, store=path, config=IngestConfig(progress=False)).ok
    return path


def _nodes(tmp_path: Path, name: str, text: str) -> list[QANode]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return split_document(read_document(path, name=name), SplitterConfig())


def test_corpus_flags_are_few_precise_and_carry_both_evidence_sentences(
    corpus_store: Path,
) -> None:
    from qagraph.eval.contradiction_labels import load_labelled
    from qagraph.eval.contradictions import evaluate_contradictions
    from qagraph.kb.contradictions import contradictions

    with Store(corpus_store).open() as kb:
        result = evaluate_contradictions(kb, load_labelled(), skip_missing=True)
        flags = contradictions(kb)
        answers = {n.id: n.answer for n in kb.nodes()}
    assert result.precision is not None and result.precision >= 0.9
    assert result.counts["tp"] >= 3
    # Every flag the corpus produces is judged in the labelled set.
    assert result.unlabelled == []
    assert 1 <= len(flags) <= 20
    for flag in flags:
        assert flag.evidence_a and flag.evidence_b
        # Evidence is quoted from the answers (an item may carry its list's lead).
        for node, evidence in ((flag.a, flag.evidence_a), (flag.b, flag.evidence_b)):
            words = evidence.split()[-3:]
            assert all(w.strip("“”\"'") in answers[node] for w in words)


def test_labelled_set_precision_and_recall(tmp_path_factory) -> None:
    from qagraph.encoders import EncoderConfig
    from qagraph.eval.contradiction_labels import load_labelled
    from qagraph.eval.contradiction_store import evaluation_store
    from qagraph.eval.contradictions import evaluate_contradictions, format_eval

    labelled = load_labelled()
    path = evaluation_store(labelled, EncoderConfig(), root=tmp_path_factory.mktemp("eval"))
    with Store(path).open() as kb:
        result = evaluate_contradictions(kb, labelled)
    print(format_eval(result))
    assert result.precision is not None and result.precision >= 0.9
    assert result.recall is not None and result.recall >= 0.6
    by_kind = {k.kind: k for k in result.by_kind}
    assert by_kind["divergent"].recall == 1.0
    assert all(k.precision is None or k.precision >= 0.9 for k in result.by_kind)


def test_corpus_flags_the_question_answered_twice_differently(corpus_store: Path) -> None:
    with Store(corpus_store).open() as kb:
        twice = [n for n in kb.nodes() if n.question.startswith("Compare bagging and boosting")]
        kinds = {frozenset((e.src, e.dst)): e.attrs["kind"] for e in kb.edges("contradicts")}
    assert kinds.get(frozenset(n.id for n in twice)) == "divergent"


def test_contradicting_notes_are_flagged_against_the_corpus(
    corpus_store: Path, tmp_path: Path, minilm_encoder
) -> None:
    with Store(corpus_store).open() as kb:
        nodes, edges = kb.nodes(), kb.edges()
        corpus_pairs = {frozenset((e.src, e.dst)) for e in kb.edges("contradicts")}
    extra = _nodes(tmp_path, "zz_contrarian.md", CONTRARIAN)
    found = detect_contradictions(nodes + extra, edges, minilm_encoder)
    new = [c for c in found if frozenset((c.a, c.b)) not in corpus_pairs]
    by_question = {next(n.question for n in extra if n.id in (c.a, c.b)): c for c in new}
    assert {q: c.kind for q, c in by_question.items()} == {
        "What is the difference between random forests and decision trees?": "antonym",
        "What are the differences between L1 and L2 regularization?": "antonym",
        "How does batch normalization work?": "negation",
        "What are the different types of activation functions?": "number",
        "What is gradient descent?": "antonym",
    }
    l1 = by_question["What are the differences between L1 and L2 regularization?"]
    assert {l1.evidence_a, l1.evidence_b} == {
        "L2 is less robust but has a stable solution and always one solution.",
        "L2 is more robust than L1.",
    }


KMEANS = """\
# Clustering notes

## How does k-means clustering work?

K-means assigns each point to the nearest centroid and moves each centroid to the mean of \
its points. K-means always finds the best clustering.
"""

KMEANS_OTHER = """\
# More clustering notes

## What are the weaknesses of k-means?

K-means can get stuck in a local optimum, so it is run several times from different \
initial centroids.
"""


def test_claims_disagreeing_in_meaning_are_flagged_across_questions(
    tmp_path: Path, minilm_encoder
) -> None:
    """No negation and no number in common: a lexicon axis (best clustering / local
    optimum) and "always" against "can" make it a quantifier conflict."""
    from qagraph.ingest.graph import build_graph

    nodes = _nodes(tmp_path, "a.md", KMEANS) + _nodes(tmp_path, "b.md", KMEANS_OTHER)
    graph = build_graph(nodes, encoder=minilm_encoder)
    found = detect_contradictions(graph, graph.edges, minilm_encoder)
    assert [(c.kind, c.evidence_b) for c in found] == [
        (
            "quantifier",
            "K-means can get stuck in a local optimum, so it is run several times from "
            "different initial centroids.",
        )
    ]
    assert found[0].evidence_a == "K-means always finds the best clustering."


def test_agreeing_notes_are_not_flagged(corpus_store: Path, tmp_path: Path, minilm_encoder) -> None:
    with Store(corpus_store).open() as kb:
        nodes, edges = kb.nodes(), kb.edges()
    extra = _nodes(tmp_path, "zz_agreeing.md", AGREEING)
    extra_ids = {n.id for n in extra}
    found = detect_contradictions(nodes + extra, edges, minilm_encoder)
    assert [c for c in found if {c.a, c.b} & extra_ids] == []
