"""`DenseIndex.node_sims` scores many nodes in one product; it must equal the per-node maxima."""

from __future__ import annotations

import numpy as np
import pytest

from qagraph.index.dense import DenseIndex
from qagraph.index.units import Unit
from qagraph.index.vectors import FaissIndex


def _units(rng: np.random.Generator) -> list[Unit]:
    units = []
    for n in range(40):
        kinds = ["question", "field"] + ["answer"] * int(rng.integers(0, 4))
        if n % 7 == 0:
            kinds = ["question"]  # a node without an answer
        for kind in kinds:
            units.append(Unit(f"n{n}", kind, 0, 0, 1, "x"))
    order = rng.permutation(len(units))  # rows of a node need not be adjacent
    return [units[i] for i in order]


@pytest.mark.parametrize("wordings", [1, 3])
def test_node_sims_equal_the_per_node_maxima(wordings: int) -> None:
    rng = np.random.default_rng(wordings)
    units = _units(rng)
    vectors = rng.normal(size=(len(units), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex(units, FaissIndex.build(vectors), "test")
    queries = rng.normal(size=(wordings, 16)).astype(np.float32)
    ids = [f"n{n}" for n in rng.permutation(40)] + ["unknown"]

    sims = dense.node_sims(queries if wordings > 1 else queries[0], ids)

    assert list(sims) == ids
    for node_id in ids:
        for kind, got in zip(("question", "answer", "field"), sims[node_id], strict=True):
            rows = [r for r, u in enumerate(units) if u.node_id == node_id and u.kind == kind]
            want = float((vectors[rows] @ queries.T).max()) if rows else -1.0
            assert got == pytest.approx(want, abs=1e-5), (node_id, kind)


def test_question_sims_and_empty_calls() -> None:
    rng = np.random.default_rng(0)
    units = _units(rng)
    vectors = rng.normal(size=(len(units), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    dense = DenseIndex(units, FaissIndex.build(vectors), "test")
    assert dense.node_sims(vectors[0], []) == {}
    q = {u.node_id: r for r, u in reversed(list(enumerate(units))) if u.kind == "question"}
    got = dense.question_sims(["n1", "unknown", "n2"])
    assert got[0, 2] == pytest.approx(float(vectors[q["n1"]] @ vectors[q["n2"]]), abs=1e-5)
    assert got[1].tolist() == [0.0, 0.0, 0.0]
