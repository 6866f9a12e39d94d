"""The runner with a stub retriever: variants side by side, progress, failures, output."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from qagraph.errors import QagraphError
from qagraph.eval.dataset import load_eval_set, resolve
from qagraph.eval.metrics import FALSE_ABSTAIN, HIT_AT_1, MRR_AT_10, OOS_ACCURACY
from qagraph.eval.report import format_text
from qagraph.eval.runner import EvalConfig, run_eval
from qagraph.kb import KnowledgeBase, QANode
from qagraph.kb.records import make_node_id

QUESTIONS = ("What is PCA?", "What is dropout?", "What is bias?", "What is variance?")


def _node(question: str) -> QANode:
    return QANode(
        id=make_node_id("doc.txt", question),
        source="doc.txt",
        number=None,
        section=None,
        question=question,
        answer="An answer.",
        line_start=1,
        line_end=2,
        answered=True,
    )


NODES = {q: _node(q) for q in QUESTIONS}


def _row(qid: str, query: str, kind: str, split: str, *answers: str) -> dict:
    rel = [{"source": "doc.txt", "question": a, "grade": 2} for a in answers]
    return {"id": qid, "query": query, "kind": kind, "split": split, "relevant": rel}


class StubRetriever:
    """'good' ranks the judged answer first; 'bad' ranks it second and never abstains."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, str]] = []

    def search(self, query: str, *, k: int = 10, variant: str = "hybrid") -> SimpleNamespace:
        self.calls.append((query, k, variant))
        order = {
            "pca please": ["What is PCA?", "What is bias?"],
            "droput": ["What is dropout?"],
            "bias or variance": ["What is bias?", "What is variance?", "What is PCA?"],
        }.get(query, ["What is variance?"])
        if variant == "dense":
            order = list(reversed(order))
        hits = [SimpleNamespace(node=NODES[q], score=1.0 - i / 10) for i, q in enumerate(order)]
        out_of_scope = query == "how do I file my taxes"
        abstained = out_of_scope if variant == "lexical" else (query == "droput")
        return SimpleNamespace(hits=hits[:k], abstained=abstained)


@pytest.fixture()
def dataset(tmp_path: Path):
    rows = [
        _row("q1", "pca please", "acronym", "test", "What is PCA?"),
        _row("q2", "droput", "typo", "test", "What is dropout?"),
        _row(
            "q3", "bias or variance", "multi_source", "test", "What is bias?", "What is variance?"
        ),
        _row("q4", "how do I file my taxes", "out_of_scope_far", "test"),
        _row("q5", "dev only", "concept", "dev", "What is variance?"),
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    kb = KnowledgeBase(path=tmp_path, manifest={}, sources=[], nodes=NODES.values(), edges=[])
    return resolve(load_eval_set(path).queries, kb)


def test_variants_are_scored_side_by_side(dataset) -> None:
    stub = StubRetriever()
    progress: list[tuple[int, int, str]] = []
    config = EvalConfig(split="test", variants=("lexical", "dense"), k=5, bootstrap_samples=50)
    report = run_eval(stub, dataset, config, progress=lambda *a: progress.append(a))
    assert len(stub.calls) == 8 and {c[1] for c in stub.calls} == {5}
    assert [p[0] for p in progress] == list(range(1, 9)) and progress[-1][1] == 8
    lexical, dense = report.variants["lexical"], report.variants["dense"]
    assert lexical.metrics[HIT_AT_1].value == 1.0
    assert lexical.metrics[OOS_ACCURACY].value == 1.0
    assert lexical.metrics[FALSE_ABSTAIN].value == 0.0
    # dense: q1 and q3 answers at rank 2, q2 abstained (a miss), taxes answered.
    assert dense.scores["q2"].abstained and dense.scores["q2"].values[HIT_AT_1] == 0.0
    assert dense.metrics[MRR_AT_10].value == pytest.approx((0.5 + 0 + 0.5) / 3)
    assert dense.metrics[FALSE_ABSTAIN].value == pytest.approx(1 / 3)
    assert dense.metrics[OOS_ACCURACY].value == 0.0
    assert dense.by_kind["typo"][HIT_AT_1].value == 0.0
    reasons = {f.query_id: f.reason for f in dense.failures}
    assert reasons == {
        "q1": "first answer at rank 2",
        "q2": "abstained",
        "q3": "first answer at rank 2",
        "q4": "answered an out-of-scope query",
    }
    q1 = next(f for f in dense.failures if f.query_id == "q1")
    assert q1.expected == ("doc.txt: What is PCA?",)
    assert [h.question for h in q1.got] == ["What is bias?", "What is PCA?"]


def test_report_json_and_text(dataset) -> None:
    config = EvalConfig(split="all", variants=("dense", "hybrid"), bootstrap_samples=20)
    report = run_eval(StubRetriever(), dataset, config)
    doc = json.loads(json.dumps(report.to_json()))
    assert {"metrics", "by_kind", "per_query", "failures"} <= set(doc)
    assert doc["variants"] == ["dense", "hybrid"] and doc["counts"]["queries"] == 5
    assert set(doc["metrics"]["hybrid"][HIT_AT_1]) == {"value", "low", "high", "n"}
    assert doc["by_kind"]["dense"]["out_of_scope_far"][HIT_AT_1] is None
    first = doc["per_query"][0]
    assert first["expected"][0]["question"] == "What is PCA?"
    assert first["results"]["dense"]["hits"][0]["question"] == "What is bias?"
    text = format_text(report, failures_of=("dense",))
    assert "hybrid" in text and "by kind (dense)" in text
    assert "failing queries (dense): 4" in text and "'pca please': first answer at rank 2" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"split": "train"}, "split"),
        ({"variants": ("hybrid", "bm25")}, "bm25"),
        ({"variants": ()}, "variant"),
        ({"k": 0}, "k must be"),
        ({"bootstrap_samples": 0}, "bootstrap"),
    ],
)
def test_config_is_validated_early(kwargs: dict, message: str) -> None:
    with pytest.raises(QagraphError, match=message):
        EvalConfig(**kwargs)


def test_config_dedupes_variants_and_empty_split_is_an_error(dataset) -> None:
    config = EvalConfig(variants=("dense", "dense", "lexical"), split="dev")
    assert config.variants == ("dense", "lexical")
    with pytest.raises(QagraphError, match="no query in split 'test'"):
        run_eval(StubRetriever(), [q for q in dataset if q.query.split == "dev"], EvalConfig())
