"""The bench's plumbing with the hashing encoder and tiny inputs (nothing is timed here)."""

from __future__ import annotations

import json
import re

import pytest

from qagraph.cli import main
from qagraph.eval import (
    bench,
    bench_app,
    bench_latency,
    bench_scale,
    bench_tables,
    bench_threads,
    scale_corpus,
    scale_stages,
    stage_clock,
)
from qagraph.ingest.readers import iter_input_files, read_document
from qagraph.ingest.split import SplitterConfig, split_document


@pytest.fixture(scope="module")
def seeds():
    return scale_corpus.load_seeds()


def test_seeds_come_from_the_bundled_and_evaluation_corpora(seeds) -> None:
    docs = {s.doc for s in seeds}
    assert any(d.startswith("corpus/") for d in docs)  # the bundled corpus
    assert {"dsi-theory/theory.md", "golang-faq/faq.html"} <= docs
    assert all(s.question and s.answer for s in seeds)


def test_corpus_has_exactly_n_questions_that_split_back(seeds, tmp_path) -> None:
    n = len(seeds) * 2 + 7
    info = scale_corpus.make_corpus(n, tmp_path, seeds)
    assert info.questions == n and info.files == -(-n // scale_corpus.PER_FILE)
    files, problems = iter_input_files([tmp_path])
    assert not problems
    nodes = [
        node
        for path, name in files
        for node in split_document(read_document(path, name=name), SplitterConfig())
    ]
    assert len(nodes) == n
    questions = [node.question for node in nodes]
    # Copies are perturbed, not repeated: nearly every question is new.
    assert len(set(questions)) > 0.95 * n


def test_copies_pair_questions_shift_numbers_and_swap_sentences(seeds) -> None:
    made = list(scale_corpus.synthetic_nodes(seeds, len(seeds) * 3))
    first, later = made[: len(seeds)], made[len(seeds) :]
    assert [q for _, q, _ in first] == [s.question for s in seeds]
    assert all(" And " in q for _, q, _ in later)
    changed = sum(a != s.answer for (_, _, a), s in zip(later, seeds * 2, strict=False))
    assert changed > len(later) / 2
    text = "It took 3 of 10 runs, 1,000 rows, version 2.1 and ID42."
    assert scale_corpus._shift_numbers(text, 5) == (
        "It took 8 of 15 runs, 1,000 rows, version 2.1 and ID42."
    )


def test_stage_clock_books_nested_time_to_the_inner_stage() -> None:
    clock = stage_clock.StageClock()
    clock.track_memory = False
    with clock.stage("outer"):
        with clock.stage("inner"):
            pass
    assert set(clock.seconds) == {"outer", "inner"}
    assert clock.calls == {"outer": 1, "inner": 1}


def test_query_clock_books_nested_time_to_the_outer_stage() -> None:
    clock = bench_latency.QueryClock()
    inner = clock.wrap("dense", lambda: 1)
    outer = clock.wrap("answer assembly", lambda: inner())
    assert outer() == 1
    times, batches = clock.take()
    assert set(times) == {"answer assembly"} and batches == []


def test_run_bench_reports_the_floor_stages_and_wordings() -> None:
    report = bench.run_bench(
        model="hashing", n_queries=4, thread_modes=bench_threads.THREAD_MODES, variants=False
    )
    assert set(report["answer"]) == {"limited", "default", "single"}
    assert report["answer"]["limited"]["threads"]["blas"] in ([1], [])
    assert report["answer"]["limited"]["threads"]["faiss_omp"] == 1
    for mode in report["answer"].values():
        assert set(mode["stages_ms"]) == set(bench_latency.ASK_STAGES)
        assert mode["floor_ms"]["p50"] > 0 and mode["ask_ms"]["p50"] > 0
    wordings = report["wordings"]
    assert sum(wordings["by_wordings"].values()) == 4
    table = bench_tables.format_table(report)
    for line in ("ask / floor (p50)", "answer assembly", "wordings embedded", "load average"):
        assert line in table
    json.dumps(report)


def test_run_scale_reports_every_stage(seeds, tmp_path) -> None:
    report = bench_scale.run_scale(
        60, model="hashing", n_queries=3, workdir=tmp_path, seeds=seeds[:40]
    )
    assert report["nodes"] == 60
    assert list(report["stages"]) == [*scale_stages.STAGE_ORDER, "other"]
    assert report["stages"]["embedding/index"]["texts"] > 0
    assert report["embedding"]["texts"] > 0 and report["store_mb"] > 0
    assert report["ask_ms"]["p50"] > 0
    table = bench_scale.format_scale(report)
    assert "same-question pairs" in table and "O(N" in table
    json.dumps(report)


def test_bench_command_scale_json(capsys) -> None:
    status = main(["bench", "--model", "hashing", "--scale", "30", "--queries", "2", "--json"])
    assert status == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nodes"] == 30 and report["thread_mode"] == "limited"


def test_bench_command_rejects_scale_with_app(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["bench", "--scale", "10", "--app", "3"])
    assert exc.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_bench_command_scale_from_given_documents(capsys, tmp_path) -> None:
    doc = tmp_path / "faq.md"
    doc.write_text(
        "## Basics\n\n### What is a tensor?\n\nAn array with 3 axes.\n\n"
        "### What is a graph?\n\nNodes and edges. It has 2 parts.\n"
    )
    status = main(["bench", str(doc), "--model", "hashing", "--scale", "6", "--queries", "1",
                   "--json"])  # fmt: skip
    assert status == 0
    report = json.loads(capsys.readouterr().out)
    assert report["nodes"] == 6 and report["corpus"]["seeds"] == 2


def test_bench_command_mistakes_are_one_line(capsys, tmp_path) -> None:
    assert main(["bench", "--bare-encode", "--model", "hashing"]) == 2
    assert "--bare-encode needs --scale" in capsys.readouterr().err
    assert main(["bench", str(tmp_path), "--app", "2"]) == 2
    assert "give no PATH" in capsys.readouterr().err


def test_app_answer_text_and_free_port() -> None:
    history = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "**A** quoted"},
    ]
    assert bench_app._answer_text((history, "sources", "")) == "**A** quoted"
    assert bench_app._answer_text(([], "", "")) == ""
    assert bench_app._answer_text(([{"role": "user", "content": "q"}], "", "")) == ""
    assert 0 < bench_app.free_port() < 65536


@pytest.mark.slow
def test_app_bench_answers_every_request() -> None:
    report = bench_app.run_app(3, model="hashing")
    assert report["answered"] == report["requests"] == 3, report["failed"]
    assert re.match(r"\d", str(report["p50_ms"]))
    users = report["users"]  # the same questions through the REST API, a session each
    assert users["answered"] == users["requests"] == 3, users["failed"]
    assert "as N users" in bench_app.format_app(report)
