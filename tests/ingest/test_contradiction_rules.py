"""Detectors on crafted claim pairs: each kind of contradiction, and the hard negatives that
look like one (different subjects, swapped comparisons, hedges, ranges, both directions).
"""

from __future__ import annotations

import pytest

from qagraph.ingest.contradictions import ContradictionConfig, claim_finding
from qagraph.ingest.contradictions.numbers import quantities
from qagraph.ingest.contradictions.rules import features

CONTRADICTIONS = [
    ("negation", "Tree models do not need feature scaling.", "Tree models need feature scaling."),
    ("negation", "Decision trees does not need scaling.", "Decision trees needs scaling."),
    (
        "negation",
        "Logistic regression is not useful when features far outnumber samples.",
        "Logistic regression is useful when features far outnumber samples.",
    ),
    (
        "antonym",
        "L2 regularization is less robust to outliers than L1.",
        "L2 regularization is more robust to outliers than L1.",
    ),
    (
        "antonym",
        "Regularization increases the bias of a model.",
        "Regularization reduces the bias of a model.",
    ),
    ("antonym", "L1 is more robust than L2.", "L2 is more robust than L1."),
    (
        "antonym",
        "Random Forest, overfitting: Less prone",
        "Random forests are more prone to overfitting than decision trees.",
    ),
    ("antonym", "Bagging makes the model stable.", "Bagging makes the model unstable."),
    (
        "quantifier",
        "Ridge regression always has a unique solution.",
        "Ridge regression never has a unique solution.",
    ),
    (
        "quantifier",
        "KNN imputation works with feature scaling.",
        "KNN imputation works without feature scaling.",
    ),
    (
        "quantifier",
        "You must scale the features before PCA.",
        "You need not scale the features before PCA.",
    ),
    (
        "quantifier",
        "Accuracy is always a good metric for imbalanced data.",
        "Accuracy is not always a good metric for imbalanced data.",
    ),
    (
        "number",
        "A random forest needs 500 trees to converge.",
        "A random forest needs 10 trees to converge.",
    ),
    (
        "number",
        "Sigmoid, output range: 0–1",
        "The sigmoid function squashes values to a range between -1 and 1.",
    ),
    (
        "number",
        "The salary ranges from $200K to $631K a year.",
        "The salary ranges from $80K to $225K a year.",
    ),
]

COMPATIBLE = [
    # Different subjects, compatible statements.
    ("L1 is more robust to outliers.", "L2 is less robust to outliers."),
    (
        "Bias, definition: Error from wrong assumptions",
        "Variance, definition: Sensitivity to noise",
    ),
    ("Regression, output: Numeric value", "Classification, output: Discrete labels"),
    # The same comparison stated from the other side.
    ("L1 is more robust than L2.", "L2 is less robust than L1."),
    (
        "Decision trees are more prone to overfitting than random forests.",
        "Random Forest, overfitting: Less prone",
    ),
    # A hedge is not a denial.
    (
        "Adding more trees does not necessarily improve accuracy.",
        "Adding more trees improves accuracy.",
    ),
    # A range that holds the other's values.
    (
        "Sigmoid and tanh squash inputs to between 0 and 1 or -1 and 1, respectively.",
        "Sigmoid, output range: 0–1",
    ),
    (
        "Flights delayed between 2-10 hours form one group.",
        "Flights delayed up to 10 hours form one group.",
    ),
    # A claim stating both directions.
    (
        "Increasing model complexity reduces bias but increases variance, and vice versa.",
        "This increases the bias of the model but decreases the variance.",
    ),
    # Strength against weakness.
    ("Mean imputation is simple.", "Mean imputation can introduce bias."),
    ("ReLU trains faster than sigmoid.", "ReLU, weakness: Dying ReLU (dead neurons)"),
    # Ascent and descent describe different things here.
    (
        "Gradient descent takes steps in the direction of steepest descent.",
        "The gradient points in the direction of steepest ascent.",
    ),
    # The denied word is not what the other claim asserts.
    (
        "Batch normalization computes the mean and variance of each mini-batch.",
        "Batch normalization does not use statistics of the whole training set.",
    ),
    # Names with digits are not numbers.
    ("L1 regularization adds the absolute slope.", "L2 regularization adds the squared slope."),
    ("Use 3x3 kernels in the first layer.", "Use 5x5 kernels in the first layer."),
]


@pytest.mark.parametrize(("kind", "a", "b"), CONTRADICTIONS)
def test_each_kind_is_found(kind: str, a: str, b: str) -> None:
    found = claim_finding(a, b, similarity=0.9)
    assert found is not None and found.kind == kind, found
    assert 0 < found.strength <= 1
    # The order of the two claims does not matter.
    again = claim_finding(b, a, similarity=0.9)
    assert again is not None and again.kind == kind


@pytest.mark.parametrize(("a", "b"), COMPATIBLE)
def test_compatible_claims_are_not_flagged(a: str, b: str) -> None:
    assert claim_finding(a, b, similarity=0.9) is None
    assert claim_finding(b, a, similarity=0.9) is None


def test_claims_too_far_apart_in_meaning_are_not_compared() -> None:
    a, b = "Tree models do not need feature scaling.", "Tree models need feature scaling."
    assert claim_finding(a, b, similarity=0.5) is None
    strict = ContradictionConfig(rule_sim=0.95)
    assert claim_finding(a, b, similarity=0.9, config=strict) is None


def test_identical_claims_are_not_a_contradiction() -> None:
    assert claim_finding("L2 is not robust.", "L2 is not robust.", similarity=1.0) is None


def test_features_read_cues_and_subject() -> None:
    f = features("L2 is less robust than L1 and does not need scaling.")
    assert f.subject == "l2" and f.than == ("l2", "l1")
    assert ("cmp:robustness", "", -1) in f.polar
    assert f.negations == 1 and "scale" in f.negated
    assert features("This is not the case.").subject == ""
    assert features("Both methods are not necessarily better.").negations == 0


def test_quantities_keep_their_unit_and_skip_names_and_years() -> None:
    found = quantities("Delays of 2 to 10 hours in 2019 hurt the L2 model with 85% accuracy.")
    assert [(q.value, q.key) for q in found] == [(2.0, "hour"), (10.0, "hour"), (85.0, "%")]
    assert quantities("Train on $200K a month") == quantities("Train on $200,000 a month")
