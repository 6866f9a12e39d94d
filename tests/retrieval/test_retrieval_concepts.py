"""Concept matching: typo-tolerant, exact for short forms, longest match wins."""

from __future__ import annotations

from qagraph.kb.records import Concept, Edge, QANode
from qagraph.retrieval.concept_match import ConceptMatcher, mentions_of

CONCEPTS = [
    Concept("gradient descent", aliases=("gd",)),
    Concept("gradient"),
    Concept("principal component analysis", aliases=("pca",)),
    Concept("support vector machine", aliases=("svm", "svms")),
]
MENTIONS = {
    "gradient descent": ["qa_1", "qa_2"],
    "gradient": ["qa_1", "qa_3"],
    "principal component analysis": ["qa_4"],
    "support vector machine": ["qa_5"],
}


def _matcher() -> ConceptMatcher:
    return ConceptMatcher(CONCEPTS, MENTIONS)


def test_typos_match_the_concept() -> None:
    hits = _matcher().match("how does gradiant desent work")
    assert [h.name for h in hits] == ["gradient descent"]
    assert 0.85 <= hits[0].score < 1.0


def test_longest_match_wins_over_its_parts() -> None:
    assert [h.name for h in _matcher().match("gradient descent")] == ["gradient descent"]
    assert [h.name for h in _matcher().match("the gradient")] == ["gradient"]


def test_short_forms_match_only_exactly() -> None:
    matcher = _matcher()
    assert [h.name for h in matcher.match("whats PCA?")] == ["principal component analysis"]
    assert matcher.match("pcb layout") == []
    assert [h.name for h in matcher.match("SVMs vs trees")] == ["support vector machine"]


def test_node_scores_weigh_rare_concepts_more() -> None:
    matcher = _matcher()
    scores = matcher.node_scores(matcher.match("gradient and svm"))
    assert scores["qa_5"] > scores["qa_1"] > 0


def test_no_concepts_means_no_matches() -> None:
    assert ConceptMatcher([], {}).match("gradient descent") == []


def test_mentions_come_from_edges_and_node_fields() -> None:
    node = QANode("qa_1", "a.txt", None, None, "Q?", "A.", 1, 2, True, concepts=("pca",))
    edges = [Edge("qa_2", "concept:pca", "mentions"), Edge("qa_2", "source:a.txt", "from")]
    assert mentions_of([node], edges) == {"pca": ["qa_1", "qa_2"]}


def test_expand_replaces_exact_aliases_of_covered_concepts_only() -> None:
    matcher = ConceptMatcher(
        [*CONCEPTS, Concept("false positive", aliases=("fp",))],
        {**MENTIONS, "false positive": ["qa_6"]},
        vocabulary=[Concept("long short-term memory", aliases=("lstm",))],
    )
    assert matcher.expand("FP vs SVM?", matcher.match("FP vs SVM?")) == (
        "false positive vs support vector machine"
    )
    # A typo is not expanded (the lexical index corrects it), nor a concept no node has.
    assert matcher.expand("gradiant desent", matcher.match("gradiant desent")) is None
    hits = matcher.match("lstm vs pca")
    assert {h.name for h in hits} == {"long short-term memory", "principal component analysis"}
    assert not matcher.covered("long short-term memory") and matcher.covered("gradient")
    assert matcher.expand("lstm vs pca", hits) == "lstm vs principal component analysis"


def test_fuzzy_matches_keep_the_number_of_words() -> None:
    hits = _matcher().match("ordinary gradient descent to be")
    assert [(h.name, h.score) for h in hits] == [("gradient descent", 1.0)]
