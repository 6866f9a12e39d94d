"""`qagraph compare` and the comparison behind it: answers to one question aligned claim by
claim (shared, some, unique, in conflict), each claim with its node, with the hashing
encoder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest.contradictions.answer_groups import answer_group, answer_groups
from qagraph.ingest.contradictions.compare import compare_answers
from qagraph.ingest.contradictions.propositions import ConceptNames
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import QANode, Store
from qagraph.kb.records import Contradiction

QUESTION = "How does k-means clustering work?"
SHARED_A = (
    "K-means assigns each point to the nearest centroid and moves each centroid to the mean "
    "of its points."
)
SHARED_B = (
    "K-means assigns every point to the nearest centroid, then moves each centroid to the "
    "mean of its points."
)
ALWAYS = "K-means always finds the best clustering of the points."
STUCK = "K-means can get stuck in a local optimum when clustering the points."
DOCS = {
    "a.md": f"## {QUESTION}\n\n{SHARED_A} {ALWAYS} The number of clusters is chosen first.\n",
    "b.md": f"## {QUESTION}\n\n{SHARED_B} {STUCK}\n",
    "c.md": f"## {QUESTION}\n\nRun it several times from different initial centroids.\n",
    "d.md": "## What is a sonata?\n\nA piece of music for one or two instruments.\n",
}
QUIET = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("compare")
    (root / "docs").mkdir()
    for name, text in DOCS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    path = root / "store"
    assert ingest([root / "docs"], store=path, config=QUIET).ok
    return path


def _node(node_id: str, source: str, answer: str) -> QANode:
    return QANode(node_id, source, None, None, QUESTION, answer, 1, 3, True)


def test_claims_are_aligned_across_answers(hashing_encoder) -> None:
    nodes = [
        _node("a", "a.md", f"{SHARED_A} {ALWAYS} The number of clusters is chosen first."),
        _node("b", "b.md", f"{SHARED_B} {STUCK}"),
        _node("c", "c.md", "Run it several times from different initial centroids."),
        QANode("u", "e.md", None, None, QUESTION, "", 1, 1, False),
    ]
    names = ConceptNames([("k-means clustering", ("k-means",)), ("centroid", ())])
    result = compare_answers(nodes, hashing_encoder, names=names)
    assert [n.id for n in result.nodes] == ["a", "b", "c"]
    assert [n.id for n in result.unanswered] == ["u"]
    counts = result.counts()
    assert counts["conflict"] == 1 and counts["some"] == 1 and counts["shared"] == 0
    (conflict,) = result.by_status("conflict")
    assert conflict.kind == "quantifier"
    assert [(c.node, c.text) for c in conflict.claims] == [("a", ALWAYS), ("b", STUCK)]
    (some,) = result.by_status("some")
    assert {(c.node, c.text) for c in some.claims} == {("a", SHARED_A), ("b", SHARED_B)}
    unique = {c.text for r in result.by_status("unique") for c in r.claims}
    # A claim in conflict is listed there, not again as one answer's own.
    assert ALWAYS not in unique and "The number of clusters is chosen first." in unique
    assert result.status_of("a", 1) == "conflict" and result.status_of("a", 0) == "some"
    data = result.to_json()
    assert data["counts"] == counts
    claim = data["rows"][0]["claims"][0]
    assert claim["proposition"]["subject"] == "k-means clustering"
    assert claim["proposition"]["always"] is True


def test_stored_flags_mark_their_evidence(hashing_encoder) -> None:
    nodes = [
        _node("a", "a.md", "Recall is the share of positives found. It is a rate."),
        _node("b", "b.md", "Bagging trains independent estimators in parallel."),
    ]
    flag = Contradiction(
        "a",
        "b",
        "divergent",
        "Recall is the share of positives found.",
        "Bagging trains independent estimators in parallel.",
        0.9,
    )
    result = compare_answers(nodes, hashing_encoder, flags=[flag])
    (row,) = result.by_status("conflict")
    assert row.kind == "divergent" and row.confidence == 0.9
    assert [c.index for c in row.claims] == [0, 0]


def test_groups_follow_same_question_links(store: Path) -> None:
    with Store(store).open() as kb:
        groups = answer_groups(kb)
        (group,) = [g for g in groups if len(g) == 3]
        first = kb.nodes(source="b.md")[0]
        nodes = answer_group(kb, first.id)
        assert nodes[0] == first and {n.source for n in nodes} == {"a.md", "b.md", "c.md"}
        assert answer_group(kb, first.id, max_nodes=2)[0] == first
        with pytest.raises(KeyError):
            answer_group(kb, "qa_nope")


def test_cli_compares_by_question_and_by_id(store: Path, capsys) -> None:
    assert main(["compare", QUESTION, "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"Q: {QUESTION}  (3 answers)")
    for name in ("a.md", "b.md", "c.md"):
        assert f"] {name}, lines" in text
    assert "Shared by some answers (1):" in text and "Only in one answer" in text
    with Store(store).open() as kb:
        node_id = kb.nodes(source="a.md")[0].id
    assert main(["compare", node_id, "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nodes"][0]["id"] == node_id and len(data["nodes"]) == 3
    assert set(data["citations"]) == {n["id"] for n in data["nodes"]}
    assert {r["status"] for r in data["rows"]} >= {"some", "unique"}
    assert main(["compare", "   ", "--store", str(store)]) == 2
    assert "the question is empty" in capsys.readouterr().err
