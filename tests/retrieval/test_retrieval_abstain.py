"""Abstention: the fitted logistic model, its file, and the fallback rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from qagraph.retrieval.abstain import (
    Abstainer,
    FallbackRule,
    fit_logistic,
    load_models,
    save_model,
)

COVERED = {"q_top": 0.8, "a_top": 0.6, "q_margin": 0.2, "overlap": 1.0, "known": 1.0}
UNCOVERED = {"q_top": 0.2, "a_top": 0.2, "q_margin": 0.01, "overlap": 0.0, "known": 0.5}


def _rows():
    rows, labels = [], []
    for i in range(20):
        shift = (i % 5) * 0.02
        rows.append({k: v - shift for k, v in COVERED.items()})
        labels.append(True)
        if i % 2:
            rows.append({k: v + shift for k, v in UNCOVERED.items()})
            labels.append(False)
    return rows, labels


def test_fitted_model_separates_and_round_trips(tmp_path: Path) -> None:
    rows, labels = _rows()
    model = fit_logistic(rows, labels, features=("q_top", "overlap"), note="test")
    assert model.probability(COVERED) > 0.9 > 0.1 > model.probability(UNCOVERED)
    path = tmp_path / "abstain.json"
    save_model(path, "hashing", model)
    save_model(path, "other", model)
    assert set(load_models(path)) == {"hashing", "other"}
    abstainer = Abstainer.for_encoder("hashing", path)
    assert abstainer.model == model
    assert abstainer.decide(UNCOVERED).abstain and not abstainer.decide(COVERED).abstain


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="covered and uncovered"):
        fit_logistic([COVERED, COVERED], [True, True])


def test_missing_or_bad_file_falls_back(tmp_path: Path) -> None:
    assert load_models(tmp_path / "none.json") == {}
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert load_models(tmp_path / "bad.json") == {}
    assert Abstainer.for_encoder("hashing", tmp_path / "bad.json").model is None


def test_fallback_rule() -> None:
    rule = FallbackRule()
    assert rule.decide({"known": 0.0, "concept": 0.0, "q_top": 0.99}).abstain
    assert not rule.decide({"known": 1.0, "q_top": 0.7, "overlap": 0.0}).abstain
    assert not rule.decide({"known": 1.0, "q_top": 0.1, "overlap": 1.0}).abstain
    assert rule.decide({"known": 0.5, "q_top": 0.3, "overlap": 0.5}).abstain


def test_packaged_model_exists_for_the_default_encoder() -> None:
    assert Abstainer.for_encoder("all-MiniLM-L6-v2").model is not None


def test_refusals_say_why_and_answers_do_not() -> None:
    from qagraph.retrieval.abstain import NO_SHARED_WORDS

    model = fit_logistic(
        [{"q_top": v, "known": 1.0} for v in (0.1, 0.2, 0.8, 0.9)],
        [False, False, True, True],
        features=("q_top",),
    )
    abstainer = Abstainer(model)
    refused = abstainer.decide({"q_top": 0.1, "a_top": 0.2, "known": 1.0, "overlap": 0.25})
    assert refused.abstain and "below 0.50" in refused.reason and "cosine 0.10" in refused.reason
    assert "25%" in refused.reason
    assert abstainer.decide({"q_top": 0.9, "known": 1.0}).reason == ""
    assert abstainer.decide({"q_top": 0.9}).reason == NO_SHARED_WORDS


def test_each_group_weighs_the_same_in_the_fit() -> None:
    """A large group cannot move the boundary for a small one: weights equal per group."""
    rows = [{"x": v} for v in (0.1, 0.2, 0.8, 0.9)] * 10 + [{"x": v} for v in (0.0, 0.4)]
    labels = [False, False, True, True] * 10 + [False, True]
    groups = ["big"] * 40 + ["small"] * 2
    grouped = fit_logistic(rows, labels, features=("x",), groups=groups, l2=0.1)
    pooled = fit_logistic(rows, labels, features=("x",), l2=0.1)
    # The small group's in-scope row at 0.4 counts as much as the big group's twenty.
    assert grouped.probability({"x": 0.4}) > pooled.probability({"x": 0.4})
    with pytest.raises(ValueError, match="groups"):
        fit_logistic(rows, labels, features=("x",), groups=["a"])
