"""`qagraph concepts`, `qagraph concept NAME` and `qagraph graph` on a hashing-encoder store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import pytest

from qagraph.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kb"))
from test_graph import write_docs  # noqa: E402  (the same two documents)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("cli")
    docs = write_docs(root / "docs")
    status = main(
        ["ingest", str(docs), "--store", str(root / "store"), "--model", "hashing", "--json"]
    )
    assert status == 0
    return str(root / "store")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON document
    return json.loads(out)


def test_concept_json_shape(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    card = run_json(capsys, "concept", "lasso", "--store", store, "--json")
    assert {"name", "aliases", "nodes", "related"} <= card.keys()
    assert card["name"] == "l1 regularization"
    assert card["matched"] == "lasso" and card["how"] == "alias"
    assert card["broader"] == ["regularization"]
    assert all(isinstance(n, str) for n in card["related"])
    assert set(card["related_weights"]) == set(card["related"])
    assert sorted(i for ids in card["by_source"].values() for i in ids) == sorted(card["nodes"])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("PCA", "principal component analysis"),
        ("Random Forests", "random forest"),
        ("regularisation", "regularization"),
        ("reguralization", "regularization"),
    ],
)
def test_concept_resolves_variants(
    store: str, capsys: pytest.CaptureFixture[str], query: str, name: str
) -> None:
    assert run_json(capsys, "concept", query, "--store", store, "--json")["name"] == name


def test_concept_text(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["concept", "random forests", "--store", store]) == 0
    out = capsys.readouterr().out
    assert out.startswith("random forest  [glossary;")
    assert "  a.md\n" in out and "What is a random forest?" in out


def test_unknown_concept_is_a_one_line_error(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["concept", "random jungle model", "--store", store, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("qagraph: error: no concept matches 'random jungle model'")
    assert "did you mean: random forest" in captured.err


def test_concepts_lists_node_counts(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "concepts", "--store", store, "--json")["concepts"]
    assert rows == sorted(rows, key=lambda r: (-r["nodes"], r["name"]))
    assert {"name", "nodes", "degree", "origin", "aliases", "broader"} <= rows[0].keys()
    assert (
        len(run_json(capsys, "concepts", "--store", store, "--json", "--limit", "3")["concepts"])
        == 3
    )


def test_concepts_stats(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lookups = tmp_path / "lookups.json"
    lookups.write_text(json.dumps([{"query": "PCA", "expected": "principal component analysis"}]))
    stats = run_json(
        capsys, "concepts", "--stats", "--lookups", str(lookups), "--store", store, "--json"
    )
    assert stats["answered_with_concept"] == 1.0
    assert stats["lookups"]["accuracy"] == 1.0
    capsys.readouterr()
    assert main(["concepts", "--stats", "--lookups", str(lookups), "--store", store]) == 0
    assert "lookups resolved: 1/1" in capsys.readouterr().out


def test_graph_export(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "kb.graphml"
    summary = run_json(capsys, "graph", "--export", str(target), "--store", store, "--json")
    assert summary["exported"] == str(target)
    back = nx.read_graphml(target)
    assert back.number_of_nodes() == sum(summary["nodes"].values())
    assert back.number_of_edges() == sum(summary["edges"].values())
    capsys.readouterr()
    assert main(["graph", "--export", str(tmp_path), "--store", store]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_missing_store_is_an_error_without_traceback(tmp_path: Path, monkeypatch) -> None:
    # No build from the bundled corpus here: that needs the real model (see ensure_store).
    monkeypatch.setattr("qagraph.cli.concepts_cmd.ensure_store", lambda path: None)
    assert main(["concepts", "--store", str(tmp_path / "none")]) == 2


def test_ingest_with_a_glossary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = write_docs(tmp_path / "docs")
    mine = tmp_path / "mine.json"
    mine.write_text(
        json.dumps({"concepts": [{"name": "tree ensemble", "aliases": ["random forest"]}]})
    )
    store = str(tmp_path / "store")
    argv = ["ingest", str(docs), "--store", store, "--model", "hashing", "--json"]
    assert main([*argv, "--glossary", str(mine), "--no-default-glossary"]) == 0
    card = run_json(capsys, "concept", "random forests", "--store", store, "--json")
    assert card["name"] == "tree ensemble" and card["origin"] == "glossary"
    bad = tmp_path / "bad.json"
    bad.write_text("[{]")
    capsys.readouterr()
    assert main([*argv, "--glossary", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not valid JSON" in err


def test_a_store_without_concepts_says_so(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import sqlite3

    old = tmp_path / "old"
    shutil.copytree(store, old)
    generation = old / (old / "CURRENT").read_text().strip()
    with sqlite3.connect(generation / "store.sqlite") as conn:
        conn.execute("DELETE FROM concepts")
    manifest = json.loads((generation / "manifest.json").read_text())
    manifest["counts"]["concepts"] = 0
    (generation / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert main(["concept", "pca", "--store", str(old)]) == 2
    assert "has no concepts" in capsys.readouterr().err
