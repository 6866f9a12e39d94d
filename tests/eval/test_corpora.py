"""Evaluation corpora, the dense baseline and leave-one-corpus-out, on the hashing model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.errors import QagraphError
from qagraph.eval import corpora
from qagraph.eval.dataset import load_eval_set

HASHING = EncoderConfig(model="hashing")


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAGRAPH_EVAL_CACHE", str(tmp_path / "cache"))


def test_packaged_corpora_have_documents_and_valid_sets() -> None:
    names = corpora.available()
    assert names[0] == corpora.BUNDLED and len(names) >= 3
    for name in names:
        corpus = corpora.find_corpus(name)
        assert corpus.documents, name
        queries = load_eval_set(corpus.queries).queries
        assert len(queries) >= 40, name
        assert sum(not q.in_scope for q in queries) >= 8, name


def test_an_unknown_corpus_names_the_known_ones() -> None:
    with pytest.raises(QagraphError, match="use one of bundled"):
        corpora.find_corpus("no-such-corpus")


def test_a_folder_is_a_corpus(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "faq.md").write_text("## What is X?\n\nX is a letter.\n", encoding="utf-8")
    with pytest.raises(QagraphError, match="queries.jsonl"):
        corpora.find_corpus(str(folder))
    (folder / "queries.jsonl").write_text("", encoding="utf-8")
    assert corpora.find_corpus(str(folder)).documents == (folder / "faq.md",)


def test_corpus_store_is_built_once_and_rebuilt_when_a_document_changes(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    doc = folder / "faq.md"
    doc.write_text("## What is X?\n\nX is a letter.\n", encoding="utf-8")
    (folder / "queries.jsonl").write_text("", encoding="utf-8")
    corpus = corpora.find_corpus(str(folder))
    store = corpora.corpus_store(corpus, HASHING)
    stamp = store.with_name(store.name + ".sha256").read_text()
    assert corpora.corpus_store(corpus, HASHING) == store
    doc.write_text("## What is Y?\n\nY is another letter.\n", encoding="utf-8")
    corpora.corpus_store(corpora.find_corpus(str(folder)), HASHING)
    assert store.with_name(store.name + ".sha256").read_text() != stamp


def test_eval_on_a_corpus_with_the_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", "--corpus", "lightgbm-faq", "--model", "hashing", "--samples", "10"]
    assert main([*args, "--variants", "hybrid,baseline", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["variants"]) == {"hybrid", "baseline"}


def test_cross_reports_every_corpus_beside_the_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval", "--cross", "--model", "hashing", "--samples", "10", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["corpora"]
    assert [r["corpus"] for r in rows] == corpora.available()
    for row in rows:
        assert row["corpus"] not in row["fitted_on"]
        assert set(row["variants"]) == {"hybrid", "baseline"}
        assert row["variants"]["baseline"]["false_abstain"] == 0.0
        # The baseline never abstains, so its ranked hit@1 is its hit@1.
        baseline = row["variants"]["baseline"]
        assert baseline["ranked_hit@1"] == pytest.approx(baseline["hit@1"], abs=1e-3)
        assert row["variants"]["hybrid"]["ranked_hit@1"] >= row["variants"]["hybrid"]["hit@1"]


def test_weight_fit_picks_weights_that_rank_the_answer_first() -> None:
    from qagraph.eval.cross import fit_weights

    class Flat:
        """The answer leads on dense_field, the wrong node on bm25."""

        def rank_signals(self, measured, variant, *, weights):
            scores = {
                node: field * weights.dense_field + bm25 * weights.bm25
                for node, (field, bm25) in measured.items()
            }
            return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))

    class Query(NamedTuple):
        query: object
        qrels: dict

    class Inner(NamedTuple):
        in_scope: bool

    measured = [{"right": (0.9, 0.0), "wrong": (0.1, 1.0)}]
    queries = [Query(Inner(True), {"right": 2})]
    weights = fit_weights({"only": (Flat(), queries, measured)})
    assert Flat().rank_signals(measured[0], "hybrid", weights=weights)[0][0] == "right"
    assert weights.dense_field > 0 and weights.bm25 < weights.dense_field
