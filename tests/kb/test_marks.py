"""User marks on contradiction flags: kept in the store folder, keyed by source and question
text, kept across re-ingests, and used by every reader of the flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import QANode, Store
from qagraph.kb.contradictions import contradictions, is_marked, marked_pairs
from qagraph.kb.marks import MARKS_FILE, Marks, NodeRef, pair_key

DOC_A = """\
Q: How does batch normalization work?
Batch normalization computes the mean and variance of each mini-batch and normalizes the \
activations of the layer.
"""

DOC_B = """\
Q: How does batch normalization work?
Batch normalization does not compute the mean and variance of each mini-batch.
"""

QUIET = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))


def _node(node_id: str, source: str, question: str, number: str | None = None) -> QANode:
    return QANode(node_id, source, number, None, question, "answer", 1, 2, True)


def test_marks_are_unordered_keyed_by_text_and_written_atomically(tmp_path: Path) -> None:
    marks = Marks(tmp_path)
    a = _node("id1", "a.md", "What is X?")
    b = _node("id2", "b.md", "What is  X?", "3")
    assert marks.load() == [] and not marks.is_marked(a, b)
    marks.mark(a, b, kind="antonym", note="two senses")
    # Ids do not matter: the same source and question under new ids is the same pair.
    assert marks.is_marked(
        _node("new", "b.md", "What is x?", "3"), _node("z", "a.md", "What is X?")
    )
    assert not marks.is_marked(a, _node("id2", "b.md", "What is x?"))  # number differs
    saved = json.loads((tmp_path / MARKS_FILE).read_text(encoding="utf-8"))
    assert saved["marks"][0]["note"] == "two senses" and saved["marks"][0]["kind"] == "antonym"
    assert not list(tmp_path.glob(".marks-*"))  # no temporary file left behind
    marks.mark(b, a, note="again")  # the same pair: replaced, not added
    assert [m.note for m in marks.load()] == ["again"]
    assert marks.unmark(a, b) and not marks.unmark(a, b)
    assert marks.load() == []
    assert pair_key(NodeRef.of(a), NodeRef.of(b)) == pair_key(NodeRef.of(b), NodeRef.of(a))


def test_an_unreadable_marks_file_marks_nothing(tmp_path: Path) -> None:
    (tmp_path / MARKS_FILE).write_text("{not json", encoding="utf-8")
    assert Marks(tmp_path).load() == []
    (tmp_path / MARKS_FILE).write_text('{"marks": [{"a": {}}, 3]}', encoding="utf-8")
    assert Marks(tmp_path).load() == []


@pytest.fixture
def store(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(DOC_A, encoding="utf-8")
    (docs / "b.txt").write_text(DOC_B, encoding="utf-8")
    path = tmp_path / "store"
    assert ingest([docs], store=path, config=QUIET).ok
    return path


def test_a_marked_flag_is_hidden_everywhere_and_kept_across_reingests(
    store: Path, tmp_path: Path, capsys
) -> None:
    with Store(store).open() as kb:
        (flag,) = contradictions(kb)
        ids = (flag.a, flag.b)
    assert main(["contradictions", "--store", str(store), "--mark", "1", "--note", "ok"]) == 0
    assert "marked flag #1" in capsys.readouterr().out
    with Store(store).open() as kb:
        assert contradictions(kb) == []
        assert [(c.a, c.b) for c in contradictions(kb, marked=True)] == [ids]
        assert len(contradictions(kb, marked=None)) == 1
        assert ids in marked_pairs(kb) and is_marked(kb, contradictions(kb, marked=True)[0])
    assert main(["contradictions", "--store", str(store)]) == 0
    assert capsys.readouterr().out.strip() == "0 contradictions"
    # A re-ingest writes a new generation; the mark, in the store folder, still applies.
    docs = tmp_path / "docs"
    assert ingest([docs], store=store, config=QUIET).ok
    with Store(store).open() as kb:
        assert contradictions(kb) == [] and len(contradictions(kb, marked=True)) == 1
    assert main(["contradictions", "--store", str(store), "--marked", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["contradictions"]) == 1
    assert main(["contradictions", "--store", str(store), "--unmark", "1"]) == 0
    assert "shown again" in capsys.readouterr().out
    with Store(store).open() as kb:
        assert len(contradictions(kb)) == 1
    assert main(["contradictions", "--store", str(store), "--mark", "5"]) == 2
    assert "there is no flag #5" in capsys.readouterr().err


def test_ask_leaves_out_a_marked_flag(store: Path) -> None:
    from qagraph.encoders import load_encoder
    from qagraph.retrieval import Retriever

    retriever = Retriever.open(store, encoder=load_encoder(EncoderConfig(model="hashing")))
    answer = retriever.ask("How does batch normalization work?")
    assert len(answer.contradictions) == 1
    with Store(store).open() as kb:
        (flag,) = contradictions(kb)
        Marks(store).mark(kb.node(flag.a), kb.node(flag.b))
    assert retriever.ask("How does batch normalization work?").contradictions == []
