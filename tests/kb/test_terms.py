"""Matching keys: every spelling of one term gives one key, different terms different keys."""

from __future__ import annotations

import pytest

from qagraph.ingest.concepts.matcher import Matcher
from qagraph.ingest.concepts.text import tokenize
from qagraph.kb.terms import term_key


@pytest.mark.parametrize(
    ("variants"),
    [
        ("random forest", "Random Forests", "random-forest", "the random forests"),
        ("normalization", "normalisation", "Normalisations"),
        ("data set", "dataset", "Data-Sets"),
        ("trade-off", "tradeoff", "trade off"),
        ("CNN", "CNNs", "cnn"),
        ("ReLU", "ReLUs"),
        ("modeling", "modelling"),
        ("labeled data", "labelled data"),
        ("analysis", "analyses"),
        ("neighbor", "neighbour"),
    ],
)
def test_variants_share_a_key(variants: tuple[str, ...]) -> None:
    assert len({term_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("l1 regularization", "l2 regularization"),
        ("supervised learning", "unsupervised learning"),
        ("bias", "bass"),
        ("a/b test", "b test"),
        ("data", "date"),
    ],
)
def test_different_terms_differ(a: str, b: str) -> None:
    assert term_key(a) != term_key(b)


def test_mass_nouns_and_short_words_are_kept() -> None:
    assert term_key("bias") == "bias"
    assert term_key("lasso") == "lasso"
    assert term_key("data") == "data"
    assert term_key("") == ""


def test_matcher_keys_equal_term_key() -> None:
    text = "The CNNs' max-pooling layers and Random Forests (RFs) for data sets, e.g. A/B tests"
    tokens = [t for t in tokenize(text) if t.word]
    for i in range(len(tokens)):
        for j in range(i + 1, min(i + 5, len(tokens)) + 1):
            span = tokens[i:j]
            assert Matcher._key(span) == term_key(" ".join(t.text for t in span))
