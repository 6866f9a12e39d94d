"""The shipped evaluation set, the loader's validation and node resolution."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from qagraph.eval.dataset import (
    DEV_FRACTION,
    IN_SCOPE_KINDS,
    OUT_OF_SCOPE_KINDS,
    DatasetError,
    EvalQuery,
    NodeRef,
    assign_splits,
    load_eval_set,
    resolve,
)

GOOD = {
    "id": "q1",
    "query": "whats PCA",
    "kind": "acronym",
    "split": "dev",
    "relevant": [
        {
            "source": "003_cf6bf50aee448fed.txt",
            "question": "Explain PCA and its significance.",
            "grade": 2,
        }
    ],
}


@pytest.fixture(scope="module")
def shipped():
    return load_eval_set()


def test_shipped_set_is_large_enough_and_split(shipped) -> None:
    queries = shipped.queries
    assert sum(q.in_scope for q in queries) >= 150
    assert sum(not q.in_scope for q in queries) >= 25
    assert shipped.select("dev") and shipped.select("test")
    assert len(shipped.select("dev")) + len(shipped.select("test")) == len(queries)
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) == set(IN_SCOPE_KINDS + OUT_OF_SCOPE_KINDS)
    assert kinds["out_of_scope_far"] >= 5 and kinds["out_of_scope_near"] >= 5


def test_shipped_splits_are_the_seeded_stratified_hash(shipped) -> None:
    expected = assign_splits((q.id, q.kind) for q in shipped.queries)
    assert {q.id: q.split for q in shipped.queries} == expected
    for kind in IN_SCOPE_KINDS + OUT_OF_SCOPE_KINDS:
        group = [q for q in shipped.queries if q.kind == kind]
        dev = sum(q.split == "dev" for q in group)
        assert dev == round(len(group) * DEV_FRACTION), kind


def test_shipped_queries_are_distinct_and_judgements_usable(shipped) -> None:
    texts = [q.query.lower() for q in shipped.queries]
    assert len(set(texts)) == len(texts)
    for q in shipped.queries:
        answers = [r for r in q.relevant if r.grade == 2]
        # Recall@5 can only reach 1 when at most five nodes answer a query.
        assert len(answers) <= 5, q.id
        if q.kind == "multi_source":
            assert len({r.source for r in answers}) >= 2, q.id


def test_every_shipped_reference_resolves(shipped, corpus_kb) -> None:
    resolved = resolve(shipped.queries, corpus_kb)
    assert len(resolved) == len(shipped.queries)
    nodes = {n.id: n for n in corpus_kb.nodes()}
    for rq in resolved:
        for node_id, ref in zip(rq.node_ids, rq.query.relevant):
            node = nodes[node_id]
            assert node.source == ref.source
            if ref.grade == 2:
                assert node.answered, (rq.query.id, ref.question)
    covered = {i for rq in resolved for i, _ in rq.expected()}
    answered = [n for n in corpus_kb.nodes() if n.answered]
    assert len(covered) >= 0.9 * len(answered)
    assert {n.source for n in corpus_kb.nodes()} == {nodes[i].source for i in covered}


def _write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "set.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "not valid JSON"),
        ({**GOOD, "id": "q2", "query": ""}, "'query'"),
        ({**GOOD, "id": "q2", "split": "train"}, "split"),
        ({**GOOD, "id": "q2", "kind": "Bad Kind"}, "kind"),
        ({**GOOD, "id": "q1"}, "already used on line 1"),
        ({**GOOD, "id": "q2", "relevant": "x"}, "'relevant' must be a list"),
        ({**GOOD, "id": "q2", "relevant": [{**GOOD["relevant"][0], "grade": 3}]}, "grade"),
        ({**GOOD, "id": "q2", "relevant": [{**GOOD["relevant"][0], "grade": 1}]}, "grade 2"),
        ({**GOOD, "id": "q2", "kind": "out_of_scope_far"}, "no relevant nodes"),
        ({**GOOD, "id": "q2", "relevant": GOOD["relevant"] * 2}, "same node twice"),
        ({**GOOD, "id": "q2", "relevant": [{"source": "x.txt"}]}, r"relevant\[0\]: field"),
    ],
)
def test_malformed_entries_name_their_line(tmp_path: Path, bad: object, message: str) -> None:
    path = _write(tmp_path, GOOD, bad)
    with pytest.raises(DatasetError, match=message) as info:
        load_eval_set(path)
    assert f"{path}:2:" in str(info.value)


def test_missing_or_empty_file_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        load_eval_set(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="no queries"):
        load_eval_set(_write(tmp_path, ""))


def _query(*refs: NodeRef) -> EvalQuery:
    return EvalQuery("q1", "question", "paraphrase", "dev", refs, line=7)


def test_resolution_tolerates_case_quotes_and_small_typos(corpus_kb) -> None:
    exact = NodeRef("003_cf6bf50aee448fed.txt", "explain pca and its SIGNIFICANCE", 2)
    quotes = NodeRef(
        "004_b005460a21cad71f.txt", "What's the difference between Lasso and Ridge Regression?", 1
    )
    fuzzy = NodeRef("003_cf6bf50aee448fed.txt", "Explain the bias variance trade-off.", 1)
    (rq,) = resolve([_query(exact, quotes, fuzzy)], corpus_kb)
    questions = [corpus_kb.node(i).question for i in rq.node_ids]
    assert questions == [
        "Explain PCA and its significance.",
        "What’s the difference between Lasso and Ridge Regression?",
        "Explain the bias-variance tradeoff.",
    ]
    assert dict(rq.qrels) == dict(zip(rq.node_ids, (2, 1, 1)))


def test_unresolved_references_are_all_listed(corpus_kb) -> None:
    refs = (
        NodeRef("003_cf6bf50aee448fed.txt", "What is a transformer?", 2),
        NodeRef("nope.txt", "Explain PCA and its significance.", 1),
    )
    with pytest.raises(DatasetError) as info:
        resolve([_query(*refs)], corpus_kb)
    text = str(info.value)
    assert text.startswith("2 evaluation references do not resolve")
    assert "line 7 (q1)" in text and "What is a transformer?" in text and "no such source" in text


def test_a_question_asked_twice_needs_its_number(corpus_kb) -> None:
    question = (
        "Compare bagging and boosting algorithms given an example of the tradeoffs between the two."
    )
    source = "004_b005460a21cad71f.txt"
    with pytest.raises(DatasetError, match="several times"):
        resolve([_query(NodeRef(source, question, 2))], corpus_kb)
    (rq,) = resolve([_query(NodeRef(source, question, 2, "11"))], corpus_kb)
    assert corpus_kb.node(rq.node_ids[0]).number == "11"


def test_assign_splits_is_deterministic_and_stratified() -> None:
    pairs = [(f"q{i}", "a" if i % 3 else "b") for i in range(60)]
    first = assign_splits(pairs)
    assert first == assign_splits(list(reversed(pairs)))
    assert first != assign_splits(pairs, seed="another seed")
    for kind in "ab":
        ids = [q for q, k in pairs if k == kind]
        assert sum(first[q] == "dev" for q in ids) == round(len(ids) * 0.4)
