"""BM25 over questions and answers, with stemming and typo correction."""

from __future__ import annotations

from qagraph.kb.records import QANode
from qagraph.retrieval.lexical import LexicalIndex, words


def _node(i: int, question: str, answer: str) -> QANode:
    return QANode(f"qa_{i}", "a.txt", None, None, question, answer, i, i, True)


NODES = [
    _node(1, "What is gradient descent?", "An optimisation method following the gradient."),
    _node(2, "What is a random forest?", "An ensemble of decision trees."),
    _node(3, "Explain SMOTE.", "Synthetic minority oversampling creates new minority samples."),
]


def test_exact_terms_rank_their_node_first() -> None:
    index = LexicalIndex(NODES)
    for query, expected in [("SMOTE", "qa_3"), ("decision trees", "qa_2"), ("descent", "qa_1")]:
        scores = index.scores(index.terms(query))
        assert index.node_ids[int(scores.argmax())] == expected


def test_stemming_matches_inflections() -> None:
    index = LexicalIndex(NODES)
    scores = index.scores(index.terms("forests of trees"))
    assert index.node_ids[int(scores.argmax())] == "qa_2"


def test_typos_are_corrected_to_corpus_words() -> None:
    index = LexicalIndex(NODES)
    terms = index.terms("gradiant desent")
    assert terms.corrected == {"gradiant": "gradient", "desent": "descent"}
    assert terms.known == 1.0
    assert index.corrected_text("Gradiant desent?", terms) == "gradient descent?"
    assert index.node_ids[int(index.scores(terms).argmax())] == "qa_1"


def test_unknown_words_and_first_letter_rule() -> None:
    index = LexicalIndex(NODES)
    terms = index.terms("how do I file my xaxes")
    assert terms.known == 0.0 and terms.corrected == {}
    assert not index.scores(terms).any()


def test_stop_words_and_boilerplate_are_not_content() -> None:
    assert words("Could you explain what the difference is?") == []


def test_overlap_with_a_node() -> None:
    index = LexicalIndex(NODES)
    terms = index.terms("random forest of neurons")
    assert index.overlap(terms, 1) == 2 / 3
    assert index.overlap(terms, 0) == 0.0
