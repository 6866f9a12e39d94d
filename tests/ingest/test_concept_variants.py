"""Variant rules: typos, near-synonyms and the guards that keep distinct concepts apart."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from qagraph.ingest.concepts.acronyms import find_definitions
from qagraph.ingest.concepts.variants import (
    display_name,
    extension_candidates,
    synonym_pairs,
    typo_pairs,
)
from qagraph.kb.records import QANode


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_synonyms_merge_only_when_nothing_contrasts() -> None:
    surfaces = {
        "lasso": "lasso",
        "l1regularization": "l1 regularization",
        "overfitting": "overfitting",
        "underfitting": "underfitting",
        "supervizedlearning": "supervised learning",
        "learningwithlabel": "learning with labels",
    }
    close = unit(1.0, 0.01)
    vectors = dict.fromkeys(surfaces, close)
    pairs = {frozenset(p) for p in synonym_pairs(surfaces, vectors, min_similarity=0.92)}
    assert frozenset({"lasso", "l1regularization"}) in pairs
    assert frozenset({"overfitting", "underfitting"}) not in pairs  # a negating prefix
    # A shared word means a variant or a co-hyponym, never a synonym by embedding.
    assert frozenset({"supervizedlearning", "learningwithlabel"}) not in pairs


def test_synonyms_need_the_similarity() -> None:
    surfaces = {"lasso": "lasso", "l1regularization": "l1 regularization"}
    vectors = {"lasso": unit(1, 0), "l1regularization": unit(1, 1)}
    assert synonym_pairs(surfaces, vectors, min_similarity=0.92) == []


def test_typos_fold_into_the_frequent_spelling() -> None:
    surfaces = {
        "regularization": "regularization",
        "regularizaton": "regularizaton",
        "l1regularization": "l1 regularization",
        "l2regularization": "l2 regularization",
        "regression": "regression",
        "progression": "progression",
    }
    counts = {
        "regularization": 9,
        "regularizaton": 1,
        "l1regularization": 9,
        "l2regularization": 1,
        "regression": 9,
        "progression": 1,
    }
    pairs = typo_pairs(surfaces, counts, min_ratio=92.0)
    assert pairs == [("regularization", "regularizaton")]


def test_a_generic_last_word_is_an_extension() -> None:
    surfaces = {"randomforest": "random forest", "randomforestmodel": "random forest model"}
    assert extension_candidates(surfaces) == [("randomforest", "randomforestmodel")]


@pytest.mark.parametrize(
    ("spellings", "name"),
    [
        (Counter({"random forests": 5, "random forest": 3}), "random forest"),
        (Counter({"normalisation": 1, "normalization": 1}), "normalization"),
        (Counter({"CNNs": 4}), "cnn"),
        (Counter({"mini-batches": 2}), "mini-batch"),
    ],
)
def test_display_name(spellings: Counter, name: str) -> None:
    assert display_name(spellings) == name


def test_definitions_in_text() -> None:
    text = (
        "Exploratory Data Analysis (EDA) comes first. ROC (Receiver Operating "
        "Characteristics) curves help. L2 regularization, also called ridge regression, "
        "shrinks weights. Take a portion of the data, also called the training set. "
        "The ratio (5%) is low."
    )
    node = QANode("qa_1", "a.md", None, None, "Q?", text, 1, 2, True)
    found = {(d.long, d.short, d.acronym) for d in find_definitions([node])}
    assert ("Exploratory Data Analysis", "EDA", True) in found
    assert ("Receiver Operating Characteristics", "ROC", True) in found
    assert ("L2 regularization", "ridge regression", False) in found
    assert not any(d[1] == "training set" for d in found)  # "a portion of the data" is no name
    assert len(found) == 3
