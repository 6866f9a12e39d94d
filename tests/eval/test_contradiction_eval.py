"""The labelled contradiction set and its evaluation: the shipped set's size and spread, the
documents it names, precision and recall per kind, pairs of sources a store lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.eval.contradiction_labels import KINDS, LabelledSetError, load_labelled
from qagraph.eval.contradiction_store import labelled_documents
from qagraph.eval.contradictions import evaluate_contradictions, format_eval
from qagraph.ingest.pipeline import IngestConfig, bundled_corpus, ingest
from qagraph.kb import Store

DOC_A = """\
Q: How does batch normalization work?
Batch normalization computes the mean and variance of each mini-batch and normalizes the \
activations of the layer.

Q: What is dropout?
Dropout switches off random neurons during training.
"""

DOC_B = """\
Q: How does batch normalization work?
Batch normalization does not compute the mean and variance of each mini-batch.

Q: What is dropout?
Dropout randomly turns off neurons while the network trains.
"""


def test_shipped_set_spans_the_corpus_and_two_evaluation_documents() -> None:
    pairs = load_labelled()
    true = [p for p in pairs if p.label]
    assert len(true) >= 15 and len(pairs) - len(true) >= 40
    assert all(p.kind in KINDS for p in true) and all(p.reason for p in pairs)
    sources = {r.source for p in pairs for r in (p.a, p.b)}
    bundled = {p.name for p in bundled_corpus().glob("*.txt")}
    corpora = {"theory.md", "FAQ.rst", "faq.html"}
    assert len(sources & bundled) >= 4 and len(sources & corpora) >= 2
    # No pair is labelled twice.
    keys = [frozenset((p.a, p.b)) for p in pairs]
    assert len(keys) == len(set(keys))


def test_the_documents_a_set_names_are_found_in_the_package() -> None:
    docs = labelled_documents(load_labelled())
    names = [d.name for d in docs]
    assert {"theory.md", "FAQ.rst", "faq.html", "iamtodor-qa.md"} <= set(names)
    assert {p.name for p in bundled_corpus().glob("*.txt")} <= set(names)
    assert all(d.is_file() for d in docs)


def test_a_set_naming_a_document_qagraph_does_not_ship_asks_for_a_store(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    ref = {"source": "mine.md", "question": "Q?"}
    path.write_text(json.dumps({"a": ref, "b": ref, "label": False, "reason": "r"}) + "\n")
    with pytest.raises(LabelledSetError, match="mine.md, which qagraph does not ship"):
        labelled_documents(load_labelled(path))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evalc")
    (root / "docs").mkdir()
    (root / "docs" / "a.txt").write_text(DOC_A, encoding="utf-8")
    (root / "docs" / "b.txt").write_text(DOC_B, encoding="utf-8")
    config = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))
    assert ingest([root / "docs"], store=root / "store", config=config).ok
    return root / "store"


def _rows(tmp_path: Path) -> Path:
    def ref(source: str, question: str) -> dict:
        return {"source": source, "question": question}

    bn, dr = "How does batch normalization work?", "What is dropout?"
    rows = [
        {
            "a": ref("a.txt", bn),
            "b": ref("b.txt", bn),
            "label": True,
            "kind": "negation",
            "reason": "denies",
        },
        {
            "a": ref("a.txt", dr),
            "b": ref("b.txt", dr),
            "label": True,
            "kind": "antonym",
            "reason": "made up",
        },
        {"a": ref("a.txt", dr), "b": ref("zz.txt", dr), "label": False, "reason": "absent"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_precision_and_recall_per_kind_and_skipped_sources(store: Path, tmp_path: Path) -> None:
    labelled = load_labelled(_rows(tmp_path))
    with Store(store).open() as kb:
        with pytest.raises(LabelledSetError, match="no node for zz.txt"):
            evaluate_contradictions(kb, labelled)
        result = evaluate_contradictions(kb, labelled, skip_missing=True)
    assert (result.precision, result.recall) == (1.0, 0.5)
    assert [p.b.source for p in result.skipped] == ["zz.txt"]
    by_kind = {k.kind: k for k in result.by_kind}
    assert by_kind["negation"].recall == 1.0 and by_kind["negation"].precision == 1.0
    assert by_kind["antonym"].recall == 0.0 and by_kind["antonym"].precision is None
    assert by_kind["number"].recall is None
    text = format_eval(result)
    assert "negation         1.00     1.00" in text
    assert "skipped 1 pairs whose sources the store does not hold: zz.txt" in text
    data = result.to_json()
    assert data["by_kind"]["negation"]["found"] == 1 and len(data["skipped"]) == 1


def test_cli_scores_a_store_given_by_store(store: Path, tmp_path: Path, capsys) -> None:
    path = _rows(tmp_path)
    assert main(["eval", "--contradictions", str(path), "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["tp"] == 1 and data["by_kind"]["negation"]["recall"] == 1.0
