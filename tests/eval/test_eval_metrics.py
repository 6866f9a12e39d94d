"""Metrics on hand-computed examples, aggregation and the bootstrap."""

from __future__ import annotations

import math

import pytest

from qagraph.eval.metrics import (
    FALSE_ABSTAIN,
    HIT_AT_1,
    MRR_AT_10,
    NDCG_AT_10,
    OOS_ACCURACY,
    RECALL_AT_5,
    QueryScore,
    aggregate,
    aggregate_by_kind,
    bootstrap_ci,
    ranking_metrics,
    summarize,
)

QRELS = {
    "q1": {"a": 2, "b": 1},
    "q2": {"c": 2, "d": 2},
    "q3": {"e": 2},
}


def test_ranking_metrics_match_hand_computation() -> None:
    runs = {
        "q1": ["b", "a"],  # grade 1 first: no hit, answer at rank 2
        "q2": ["c", "x", "y", "z", "w", "d"],  # one of two answers in the top 5
        "q3": [],  # abstained or nothing found
    }
    got = ranking_metrics(QRELS, runs)
    q1, q2, q3 = got["q1"], got["q2"], got["q3"]
    assert q1[HIT_AT_1] == 0.0 and q1[MRR_AT_10] == pytest.approx(0.5)
    assert q1[RECALL_AT_5] == 1.0
    # DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3); linear gains.
    assert q1[NDCG_AT_10] == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    assert q2[HIT_AT_1] == 1.0 and q2[MRR_AT_10] == 1.0 and q2[RECALL_AT_5] == 0.5
    assert q2[NDCG_AT_10] == pytest.approx((2 + 2 / math.log2(7)) / (2 + 2 / math.log2(3)))
    assert q3 == {HIT_AT_1: 0.0, MRR_AT_10: 0.0, NDCG_AT_10: 0.0, RECALL_AT_5: 0.0}


def test_rank_order_is_kept_and_depth_limits_apply() -> None:
    # ir-measures breaks score ties by doc id; the runner's order must win instead.
    qrels = {"q": {"a": 2}}
    assert ranking_metrics(qrels, {"q": ["z", "a"]})["q"][MRR_AT_10] == pytest.approx(0.5)
    deep = [f"n{i}" for i in range(10)] + ["a"]
    assert ranking_metrics(qrels, {"q": deep})["q"][MRR_AT_10] == 0.0
    assert ranking_metrics(qrels, {"q": ["a", "a", "b"]})["q"][HIT_AT_1] == 1.0
    assert ranking_metrics(qrels, {})["q"][NDCG_AT_10] == 0.0


def _score(qid: str, kind: str, in_scope: bool, abstained: bool, hit: float = 0.0) -> QueryScore:
    values = dict.fromkeys((HIT_AT_1, MRR_AT_10, NDCG_AT_10, RECALL_AT_5), hit) if in_scope else {}
    return QueryScore(qid, kind, in_scope, abstained, values)


def test_aggregate_counts_abstentions_per_scope() -> None:
    scores = [
        _score("a", "typo", True, False, 1.0),
        _score("b", "typo", True, False, 1.0),
        _score("c", "concept", True, True, 0.0),
        _score("d", "concept", True, False, 0.0),
        _score("e", "out_of_scope_far", False, True),
        _score("f", "out_of_scope_near", False, False),
    ]
    result = aggregate(scores, samples=200)
    assert result[HIT_AT_1].value == 0.5 and result[HIT_AT_1].n == 4
    assert result[FALSE_ABSTAIN].value == 0.25 and result[FALSE_ABSTAIN].n == 4
    assert result[OOS_ACCURACY].value == 0.5 and result[OOS_ACCURACY].n == 2
    by_kind = aggregate_by_kind(scores, ["typo", "concept", "out_of_scope_far", "missing"])
    assert list(by_kind) == ["typo", "concept", "out_of_scope_far"]
    assert by_kind["typo"][HIT_AT_1].value == 1.0 and by_kind["typo"][OOS_ACCURACY] is None
    assert by_kind["out_of_scope_far"][HIT_AT_1] is None
    assert by_kind["out_of_scope_far"][OOS_ACCURACY].value == 1.0


def test_bootstrap_interval_is_deterministic_and_holds_the_mean() -> None:
    values = [1.0] * 30 + [0.0] * 10 + [0.5] * 5
    value = summarize(values, samples=1000, seed=3)
    assert value.low <= value.value <= value.high
    assert 0.55 < value.low < value.value < value.high < 0.9
    assert bootstrap_ci(values, seed=3) == bootstrap_ci(values, seed=3)
    assert bootstrap_ci(values, seed=3) != bootstrap_ci(values, seed=4)
    assert bootstrap_ci([1.0] * 8) == (1.0, 1.0)
    assert all(math.isnan(x) for x in bootstrap_ci([]))
    assert summarize([]) is None
