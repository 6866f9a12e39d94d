"""Claims read as propositions (subject, predicate, polarity, qualifiers) and compared across
questions: the lexicon's axes, amounts read together, universal against fallible claims,
lists and table cells, and the hard negatives that look like conflicts.
"""

from __future__ import annotations

import json

import pytest

from qagraph.ingest.contradictions.blocking import ClaimRef, block_keys, blocked_pairs
from qagraph.ingest.contradictions.claims import Claim, split_claims
from qagraph.ingest.contradictions.lexicon import (
    LexiconError,
    default_lexicon,
    load_lexicon,
    read_lexicon_files,
)
from qagraph.ingest.contradictions.opposition import oppose
from qagraph.ingest.contradictions.propositions import ConceptNames
from qagraph.ingest.contradictions.reading import read_proposition

NAMES = ConceptNames(
    [
        ("k-means clustering", ("k-means", "kmeans")),
        ("random forest", ("random forests",)),
        ("overfitting", ()),
        ("principal component analysis", ("pca",)),
        ("linear discriminant analysis", ("lda",)),
        ("feature selection", ()),
        ("feature extraction", ()),
        ("logistic regression", ()),
        ("learning rate", ()),
        ("bagging", ()),
        ("boosting", ()),
        ("gradient descent", ()),
        ("variance", ()),
        ("bias", ()),
        ("max pooling", ("max-pooling",)),
        ("linear regression", ()),
    ]
)


def prop(text: str, lead: str = "", kind: str = "sentence"):
    return read_proposition(text, lead, kind, NAMES)


def conflict(a: str, b: str, lead_a: str = "", kind_a: str = "sentence"):
    found = oppose(prop(a, lead_a, kind_a), prop(b))
    return None if found is None else found.finding.kind


CONFLICTS = [
    (
        "quantifier",
        "K-means always finds the best clustering.",
        "K-means can get stuck in a local optimum.",
    ),
    (
        "antonym",
        "A random forest reduces overfitting by increasing the number of trees.",
        "Increasing the number of trees in a random forest may even lead to overfitting.",
    ),
    (
        "antonym",
        "A random forest reduces overfitting by increasing the number of trees.",
        "A large number of large trees can lead to overfitting.",
    ),
    (
        "negation",
        "Logistic regression is useful when there are many features.",
        "Logistic regression would not be useful when there are many features.",
    ),
    (
        "antonym",
        "It is best to start the learning rate with a high value.",
        "Starting the learning rate with a small value is a good start.",
    ),
    (
        "quantifier",
        "PCA projects the data to fewer dimensions without information loss.",
        "PCA keeps the top components while discarding the least important ones.",
    ),
    (
        "antonym",
        "Bagging combines strong learners to reduce their variance.",
        "Ensemble methods turn many weak learners into a strong one through bagging.",
    ),
]

COMPATIBLE = [
    # The same direction in other words.
    (
        "Increasing model complexity reduces bias but increases variance.",
        "As complexity increases, the bias decreases and the variance increases.",
    ),
    # Two causes: complexity raises variance, data lowers it.
    (
        "More model complexity increases the variance.",
        "A larger training set tends to decrease variance.",
    ),
    # Both sides flipped: a condition and its effect (parity).
    (
        "A random forest with many trees has low variance.",
        "A random forest with few trees has high variance.",
    ),
    # Both only possible.
    (
        "Gradient descent can reach the global minimum.",
        "Gradient descent can get stuck in a local minimum.",
    ),
    # A purpose and a condition are not assertions.
    (
        "To reduce the bias, increase the model complexity.",
        "If a model has high bias, it is too simple.",
    ),
    # "Not too much" still says some.
    (
        "Large pooling fields lose information.",
        "Max pooling does not lose too much information.",
    ),
    # The pole is one of a list before the subject, not said of it.
    (
        "To address it, feature selection, PCA or regularization may be used.",
        "Feature extraction, techniques: PCA, LDA",
    ),
    # A pole inside a concept's own name says nothing.
    (
        "Logistic regression is a linear model.",
        "Linear regression is a linear model too.",
    ),
    # Both directions at once.
    (
        "It reduces bias and increases variance, and vice versa.",
        "It increases bias and reduces variance.",
    ),
]


@pytest.mark.parametrize(("kind", "a", "b"), CONFLICTS)
def test_disagreeing_claims(kind: str, a: str, b: str) -> None:
    assert conflict(a, b) == kind
    assert conflict(b, a) == kind


@pytest.mark.parametrize(("a", "b"), COMPATIBLE)
def test_compatible_claims(a: str, b: str) -> None:
    assert conflict(a, b) is None
    assert conflict(b, a) is None


def test_a_list_lead_and_a_table_row_put_their_items_in_a_class() -> None:
    item = prop("Principal Component Analysis", "Feature selection techniques:", "item")
    cell = prop("Feature extraction, techniques: PCA, LDA", kind="cell")
    targets = {(s.axis, s.target, s.sign) for s in cell.signals}
    assert ("feature reduction", "principal component analysis", -1) in targets
    assert ("feature reduction", "linear discriminant analysis", -1) in targets
    found = oppose(item, cell)
    assert found is not None and found.key == ("feature reduction", "principal component analysis")
    # A column header names a property, not a class of the value.
    column = prop("Random forest, feature selection: random subset of features", kind="cell")
    assert all(
        s.target != "random forest" or s.axis != "feature reduction" or s.cue != "feature selection"
        for s in column.signals
    )


def test_proposition_parts_and_json() -> None:
    p = prop("Logistic regression would not be useful for very wide data.")
    assert p.subject == "logistic regression"
    assert p.predicate == "be" and p.negated
    data = p.to_json()
    assert data["polarity"] == "negative"
    assert any("useful" in q for q in data["qualifiers"])
    k = prop("K-means can get stuck in a local optimum.")
    assert k.fallible and not k.universal and k.subject == "k-means clustering"


def test_list_items_carry_their_lead() -> None:
    claims = split_claims("Unsupervised methods:\n\n- k-means clustering of customers\n- other")
    assert claims[1] == Claim("k-means clustering of customers", "item", 1, "Unsupervised methods:")
    assert claims[0].lead == ""


def test_blocks_pair_only_claims_that_share_a_key() -> None:
    concepts = NAMES.names
    refs = [
        ClaimRef("n1", Claim(t, "sentence", 0), prop(t))
        for t in [
            "K-means always finds the best clustering.",
            "K-means can get stuck in a local optimum.",
            "Gradient descent can get stuck in a local minimum.",
        ]
    ]
    refs[1] = refs[1]._replace(node="n2")
    refs[2] = refs[2]._replace(node="n3")
    assert "optimum|k-means clustering" in block_keys(refs[0].prop, concepts)
    pairs = blocked_pairs(refs, concepts, n_nodes=3)
    assert [(p.a.node, p.b.node) for p in pairs] == [("n1", "n2")]


def test_the_lexicon_loads_merges_and_rejects_bad_files(tmp_path) -> None:
    lexicon = default_lexicon()
    names = {a.name for a in lexicon.axes}
    assert {"optimum", "convexity", "determinism", "supervision", "parametric"} <= names
    assert lexicon.lookup(("local", "optimum")) == [("optimum", -1)]
    assert ("amount", -1) in lexicon.lookup(("reduces",))
    mine = tmp_path / "mine.json"
    mine.write_text(
        json.dumps(
            {
                "axes": [
                    {"name": "Tempo", "poles": [["allegro"], ["adagio"]]},
                    {"name": "convexity", "remove": True},
                ],
                "amount": {"more": ["swells"]},
                "fallible": ["might falter"],
            }
        ),
        encoding="utf-8",
    )
    merged = load_lexicon([mine])
    assert merged.lookup(("allegro",)) == [("tempo", 1)]
    assert merged.lookup(("convex",)) == []
    assert ("amount", 1) in merged.lookup(("swells",))
    assert merged.origins == ("built-in", "mine.json")
    assert [p for p, _ in read_lexicon_files([mine])] == [str(mine.absolute())]
    bad = tmp_path / "bad.json"
    for text, message in [
        ("[1]", "expected a JSON object"),
        ('{"axes": [{"name": "x", "poles": [["a"]]}]}', "two lists"),
        ('{"axes": [{"name": "x", "poles": [["a"], ["a"]]}]}', "both poles"),
        ('{"colours": []}', "unknown section"),
        ("{", "not JSON"),
    ]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(LexiconError, match=message):
            read_lexicon_files([bad])
    with pytest.raises(LexiconError, match="does not exist"):
        read_lexicon_files([tmp_path / "nope.json"])


def test_a_user_axis_is_read_in_claims(tmp_path) -> None:
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"axes": [{"name": "t", "poles": [["allegro"], ["adagio"]]}]}))
    lexicon = load_lexicon([mine])
    names = ConceptNames([("overture", ())])
    a = read_proposition("The overture is allegro.", names=names, lexicon=lexicon)
    b = read_proposition("The overture is adagio.", names=names, lexicon=lexicon)
    assert oppose(a, b) is not None
    assert (
        oppose(
            read_proposition("The overture is allegro.", names=names),
            read_proposition("The overture is adagio.", names=names),
        )
        is None
    )
