"""The Evaluation tab's handlers: set discovery, a run with progress, table, chart, failures."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from qagraph.errors import QagraphError
from qagraph.ui.handlers import evaluation


def test_the_bundled_set_is_offered_first_then_the_store_ones(tmp_path) -> None:
    query = '{"id": "m1", "query": "what is x", "kind": "concept", "split": "dev", "relevant": []}'
    (tmp_path / "mine.jsonl").write_text(query + "\n", encoding="utf-8")
    (tmp_path / "notes.jsonl").write_text('{"a": 1}\n', encoding="utf-8")  # not a query set
    sets = evaluation.available_sets(tmp_path)
    assert [label for label, _ in sets].count("notes.jsonl (store)") == 0
    assert sets[0] == ("queries.jsonl (bundled)", "bundled/queries.jsonl")
    assert sets[-1] == ("mine.jsonl (store)", "store/mine.jsonl")
    assert evaluation.set_path("store/mine.jsonl", tmp_path) == tmp_path / "mine.jsonl"
    assert evaluation.set_path("bundled/queries.jsonl").name == "queries.jsonl"
    assert evaluation.set_path("") is None


@pytest.mark.parametrize("key", ["bundled/../../etc/passwd", "store/nope.jsonl", "/etc/passwd"])
def test_a_set_key_cannot_name_another_file(tmp_path, key: str) -> None:
    with pytest.raises(QagraphError, match="no evaluation set"):
        evaluation.set_path(key, tmp_path)


def test_a_run_reports_progress_metrics_chart_and_failures(ui_state) -> None:
    calls: list[tuple[int, int, str]] = []
    view = evaluation.run(
        ui_state.snapshot,
        evaluation.set_path("bundled/queries.jsonl"),
        "dev",
        ["lexical", "hybrid"],
        progress=lambda done, total, msg: calls.append((done, total, msg)),
        bootstrap_samples=50,
    )
    assert calls and calls[-1][0] == calls[-1][1]
    assert calls[0][2].startswith(("lexical", "hybrid"))
    assert view.headers[:3] == ["variant", "Hit@1", "MRR@10"]
    assert [row[0] for row in view.rows] == ["lexical", "hybrid"]
    assert all("[" in cell for cell in view.rows[0][1:5])  # mean [low, high]
    assert isinstance(view.figure, go.Figure) and len(view.figure.data) == 2
    assert set(view.failures) == {"lexical", "hybrid"}
    for rows in view.failures.values():
        for row in rows:
            assert len(row) == len(evaluation.FAILURE_HEADERS)
    assert "split **dev**" in view.summary


def test_errors_are_user_messages(ui_state, tmp_path) -> None:
    with pytest.raises(QagraphError, match="at least one"):
        evaluation.run(ui_state.snapshot, None, "dev", [])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(QagraphError, match="bad.jsonl:1"):
        evaluation.run(ui_state.snapshot, bad, "dev", ["lexical"])
