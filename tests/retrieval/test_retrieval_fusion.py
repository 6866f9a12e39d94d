"""Score fusion: normalisation, weights, tie-break and variant checks."""

from __future__ import annotations

import pytest

from qagraph.retrieval import VARIANTS, FusionWeights, RetrievalConfig, check_variant
from qagraph.retrieval.fusion import fuse, graph_boost, minmax, rank


def test_minmax_scales_and_handles_missing_and_constant_values() -> None:
    assert minmax({"a": 2.0, "b": 4.0, "c": None}) == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert minmax({"a": 3.0, "b": 3.0}) == {"a": 1.0, "b": 1.0}
    assert minmax({"a": 0.0, "b": 0.0}) == {"a": 0.0, "b": 0.0}


def test_ties_are_broken_by_node_id() -> None:
    scores = {"qa_c": 0.5, "qa_a": 0.5, "qa_b": 0.9, "qa_d": 0.5 + 1e-12}
    assert [n for n, _ in rank(scores)] == ["qa_b", "qa_a", "qa_c", "qa_d"]
    assert rank(dict(reversed(list(scores.items())))) == rank(scores)


def test_fuse_uses_only_the_variant_signals() -> None:
    signals = {
        "dense_q": {"x": 0.9, "y": 0.1},
        "dense_a": {"x": 0.5, "y": 0.4},
        "bm25": {"x": 0.0, "y": 7.0},
        "concept": {"x": 0.0, "y": 0.0},
    }
    weights = FusionWeights(dense_q=0.5, dense_a=0.0, dense_field=0.0, bm25=0.5, concept=0.0)
    assert fuse(signals, weights, "lexical") == {"x": 0.0, "y": 1.0}
    assert fuse(signals, weights, "dense") == {"x": 1.0, "y": 0.0}
    assert fuse(signals, weights, "hybrid") == {"x": 0.5, "y": 0.5}


def test_graph_boost_lifts_neighbours_of_strong_nodes() -> None:
    boosted = graph_boost({"a": 1.0, "b": 0.2, "c": 0.3}, {"b": ["a"]}, 0.1)
    assert boosted == {"a": 1.0, "b": pytest.approx(0.3), "c": 0.3}


def test_unknown_variant_names_the_allowed_values() -> None:
    with pytest.raises(ValueError) as err:
        check_variant("bm25")
    assert str(err.value) == (
        "unknown retrieval variant 'bm25': use one of lexical, dense, hybrid, hybrid+graph"
    )
    assert VARIANTS == ("lexical", "dense", "hybrid", "hybrid+graph")
    with pytest.raises(ValueError, match="lexical, dense, hybrid, hybrid\\+graph"):
        RetrievalConfig(variant="sparse")


@pytest.mark.parametrize(
    "kwargs", [{"k": 0}, {"depth": -1}, {"unanswered_penalty": 2.0}, {"k": True}]
)
def test_config_checks(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        RetrievalConfig(**kwargs)
    with pytest.raises(ValueError, match="bm25"):
        FusionWeights(bm25=-1)
