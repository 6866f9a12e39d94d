"""Follow-up resolution: rewriting questions that lean on the previous turn."""

from __future__ import annotations

import pytest

from qagraph.ui.followup import Resolution, Topic, resolve, substitute, swap_token


def no_concepts(text: str) -> list[tuple[str, str]]:
    return []


def concepts_of(*names: str):
    def match(text: str) -> list[tuple[str, str]]:
        return [(n, n) for n in names if n in text.lower()]

    return match


L1 = Topic("What is L1 regularization?", ("l1 regularization",), ("L1 regularization",))


def test_a_first_message_is_taken_as_typed() -> None:
    assert resolve("  what is   PCA? ", None, no_concepts) == Resolution("what is PCA?")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("and what about L2?", "What is L2 regularization?"),
        ("what about L2", "What is L2 regularization?"),
        ("and L2?", "What is L2 regularization?"),
        ("how about dropout?", "What is dropout?"),
        ("same for the elastic net", "What is elastic net?"),
    ],
)
def test_what_about_x_replaces_the_topic(message: str, expected: str) -> None:
    resolution = resolve(message, L1, no_concepts)
    assert resolution.query == expected
    assert resolution.kind == "substitute" and resolution.followup


def test_a_named_concept_replaces_the_whole_topic() -> None:
    match = concepts_of("dropout", "l1 regularization")
    assert resolve("what about dropout?", L1, match).query == "What is dropout?"


def test_without_concepts_the_question_frame_is_kept() -> None:
    previous = Topic("What is overfitting?")
    assert resolve("what about underfitting?", previous, no_concepts).query == (
        "What is underfitting?"
    )


def test_a_token_of_the_same_shape_is_swapped_in_a_plain_query() -> None:
    previous = Topic("How does a CNN work?")
    assert resolve("what about RNN?", previous, no_concepts).query == "How does a RNN work?"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("why?", "why L1 regularization?"),
        ("Tell me more", "tell me more about L1 regularization?"),
        ("example?", "an example of L1 regularization?"),
        ("drawbacks", "drawbacks of L1 regularization?"),
    ],
)
def test_bare_follow_ups_take_the_topic(message: str, expected: str) -> None:
    resolution = resolve(message, L1, no_concepts)
    assert resolution == Resolution(expected, "bare")


def test_a_pronoun_becomes_the_topic() -> None:
    assert resolve("how does it work?", L1, no_concepts) == Resolution(
        "how does L1 regularization work?", "pronoun"
    )
    assert resolve("what are its drawbacks?", L1, no_concepts).query == (
        "what are L1 regularization's drawbacks?"
    )


def test_standalone_questions_are_left_alone() -> None:
    for message in (
        "And how does dropout prevent overfitting in deep networks?",
        "What is it called when a model memorizes the training data and fails on new data?",
        "Explain gradient descent",
    ):
        assert resolve(message, L1, no_concepts) == Resolution(message)


def test_a_pronoun_question_may_name_another_concept() -> None:
    match = concepts_of("dropout", "overfitting")
    assert resolve("why does dropout work?", L1, match).kind == ""  # no pronoun: standalone
    assert resolve("does it prevent overfitting?", L1, match) == Resolution(
        "does L1 regularization prevent overfitting?", "pronoun"
    )


def test_topic_phrase_falls_back_to_the_query_object() -> None:
    assert Topic("What is overfitting?").phrase() == "overfitting"
    assert Topic("Explain the bias-variance tradeoff.").phrase() == "the bias-variance tradeoff"
    assert Topic("?", answer_concepts=("pca",)).phrase() == "pca"


def test_swap_token_needs_one_unambiguous_match() -> None:
    assert swap_token("L1 regularization", "L2") == "L2 regularization"
    assert swap_token("L1 and L2 regularization", "L2") is None  # L2 already there
    assert swap_token("L1 vs L3 regularization", "L2") is None  # two candidates
    assert swap_token("random forest", "boosting") is None  # ordinary words have no shape


def test_substitute_keeps_a_query_without_the_topic_words() -> None:
    previous = Topic("Explain regularization", ("l1 regularization",), ("lasso",))
    assert substitute(previous, "dropout", no_concepts) == "Explain dropout"


BIAS = Topic(
    "Explain the bias-variance tradeoff", ("bias-variance tradeoff",), ("bias-variance tradeoff",)
)


@pytest.mark.parametrize(
    "message",
    [
        "Explain PCA and its significance.",  # the reported case: was read as the tradeoff's
        "What is PCA and how does it work?",
        "PCA: what is it?",
        "What is PCA, and why is it used?",
        "Explain t-SNE and its use.",  # an unknown name still is the object of "explain"
        "Is it true that PCA reduces variance?",  # "it" refers to nothing
        "What is it called when a model memorises noise?",
    ],
)
def test_a_question_naming_its_own_topic_is_never_rewritten(message: str) -> None:
    match = concepts_of("pca", "variance")
    assert resolve(message, BIAS, match) == Resolution(message)


def test_a_concept_in_the_pronouns_own_clause_is_not_its_antecedent() -> None:
    match = concepts_of("pca", "curse of dimensionality")
    previous = Topic("What is the curse of dimensionality?", ("curse of dimensionality",),
                     ("curse of dimensionality",))  # fmt: skip
    assert resolve("how does PCA help with it?", previous, match) == Resolution(
        "how does PCA help with curse of dimensionality?", "pronoun"
    )


def test_its_x_asks_about_the_previous_topic() -> None:
    forest = Topic("What is a random forest?", ("random forest",), ("random forest",))
    assert resolve("and its disadvantages?", forest, no_concepts) == Resolution(
        "disadvantages of random forest?", "pronoun"
    )


def test_what_about_for_x_qualifies_unless_x_is_a_related_concept() -> None:
    tree = Topic("What is a decision tree?", ("decision tree",), ("decision tree",))
    match = concepts_of("regression", "classification", "decision tree")
    related = {("classification", "regression")}.__contains__

    def rel(a: str, b: str) -> bool:
        return related((a, b)) or related((b, a))

    assert resolve("what about for regression?", tree, match, rel) == Resolution(
        "What is a decision tree for regression?", "qualify"
    )
    evaluate = Topic("How do you evaluate a classification model?", ("classification",),
                     ("classification",))  # fmt: skip
    assert resolve("what about for regression?", evaluate, match, rel).query == (
        "How do you evaluate a regression model?"
    )
    roc = Topic("What is the ROC curve for binary classification?")
    assert resolve("and for multi-class?", roc, no_concepts).query == (
        "What is the ROC curve for multi-class?"
    )


def test_vs_x_compares_with_the_previous_topic() -> None:
    bagging = Topic("What is bagging?", ("bagging",), ("bagging",))
    assert resolve("vs boosting?", bagging, no_concepts) == Resolution(
        "bagging vs boosting?", "compare"
    )


def test_polite_bare_follow_ups() -> None:
    assert resolve("Can you give an example?", L1, no_concepts).query == (
        "an example of L1 regularization?"
    )
    assert resolve("any drawbacks?", L1, no_concepts).query == "drawbacks of L1 regularization?"


def test_a_modifier_swaps_onto_the_topics_head() -> None:
    batch = Topic("What is batch gradient descent?", ("batch gradient descent",),
                  ("batch gradient descent",))  # fmt: skip
    match = concepts_of("mini-batch gradient descent", "batch gradient descent")

    def exact(text: str) -> list[tuple[str, str]]:
        return [(n, t) for n, t in match(text) if n == text.lower()]

    assert resolve("and mini-batch?", batch, exact).query == "What is mini-batch gradient descent?"
