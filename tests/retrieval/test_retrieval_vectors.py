"""FAISS indexes: exact below the threshold, HNSW above it, and a lossless save/load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qagraph.encoders import EncoderConfig
from qagraph.index.dense import INDEX_FILE, UNITS_FILE
from qagraph.index.vectors import FaissIndex, VectorIndexConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Store
from qagraph.retrieval import IndexConfig, Retriever


def _unit_rows(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize(("n", "kind"), [(99, "flat"), (100, "hnsw"), (250, "hnsw")])
def test_auto_kind_switches_at_the_threshold(n: int, kind: str) -> None:
    index = FaissIndex.build(_unit_rows(n), VectorIndexConfig(hnsw_threshold=100))
    assert index.kind == kind
    assert index.params["kind"] == kind
    assert index.ntotal == n


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_save_load_round_trip(tmp_path: Path, kind: str) -> None:
    rows = _unit_rows(300)
    index = FaissIndex.build(rows, VectorIndexConfig(kind=kind, hnsw_m=8, ef_search=64))
    index.save(tmp_path / "v.faiss")
    loaded = FaissIndex.load(tmp_path / "v.faiss")
    assert loaded.kind == kind and loaded.params == index.params
    np.testing.assert_array_equal(loaded.vectors(), rows)
    hits = loaded.search(rows[:5], 3)
    assert hits.ids[:, 0].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(hits.scores[:, 0], 1.0, atol=1e-5)


def test_search_asks_for_no_more_than_stored() -> None:
    index = FaissIndex.build(_unit_rows(3))
    assert index.search(_unit_rows(1, seed=1), 10).ids.shape == (1, 3)


def test_config_checks() -> None:
    with pytest.raises(ValueError, match="auto, flat, hnsw"):
        VectorIndexConfig(kind="ivf")
    with pytest.raises(ValueError, match="hnsw_threshold"):
        VectorIndexConfig(hnsw_threshold=0)


def test_store_records_the_index_in_the_manifest(docs_dir: Path, tmp_path: Path) -> None:
    config = IngestConfig(
        progress=False,
        encoder=EncoderConfig(model="hashing"),
        index=IndexConfig(vectors=VectorIndexConfig(hnsw_threshold=5)),
    )
    ingest([docs_dir], store=tmp_path / "s", config=config)
    kb = Store(tmp_path / "s").open()
    meta = kb.manifest["retrieval"]
    assert meta["index"]["kind"] == "hnsw"
    assert meta["vectors"] == sum(meta["units"].values())
    assert meta["units"]["field"] == sum(1 for n in kb.nodes() if n.answered)
    assert meta["units"]["question"] == len(kb.nodes())
    assert {INDEX_FILE, UNITS_FILE} <= set(kb.manifest["parts"])
    assert kb.verify() == []
    units = [json.loads(line) for line in kb.part(UNITS_FILE).read_text().splitlines()]
    assert {u["node_id"] for u in units} == {n.id for n in kb.nodes()}
    retriever = Retriever(kb, Retriever.open(tmp_path / "s").encoder)
    assert retriever.dense.index.kind == "hnsw"
    assert retriever.search("gradient descent", k=1).hits[0].node.question.startswith("What is")


def test_store_without_index_is_embedded_in_memory(small_store: Path, tmp_path: Path) -> None:
    from qagraph.encoders import HashingEncoder
    from qagraph.kb import KnowledgeBase

    kb = Store(small_store).open()
    bare = KnowledgeBase(
        path=tmp_path / "gen-x",
        manifest={**kb.manifest, "parts": {}},
        sources=kb.sources(),
        nodes=kb.nodes(),
        edges=kb.edges(),
    )
    retriever = Retriever(bare, HashingEncoder())
    assert retriever.dense.index.ntotal == len(retriever.dense.units) > 0
    # Embedded through the store's vector cache: a second open embeds nothing new.
    assert (tmp_path / "cache" / "vectors.sqlite").is_file()
