"""`qagraph ask`: text, --json, stdin JSONL, and building the store when missing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qagraph.cli import main


def test_ask_json(small_store: Path, capsys) -> None:
    assert main(["ask", "how does a random forest work", "--json", "-k", "2", "--store",
                 str(small_store)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    data = json.loads(out)
    assert out.count("\n") == 1
    assert data["abstained"] is False
    assert data["results"][0]["question"] == "How does a random forest work?"
    assert len(data["results"]) <= 2
    # The store has concepts since the concept stage: the answer's come first.
    assert data["related_concepts"][0] == "random forest" and data["contradictions"] == []


def test_ask_text(small_store: Path, capsys) -> None:
    assert main(["ask", "what is a confusion matrix", "--store", str(small_store)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Q: What is a confusion matrix?\n\n> A table of true positives")
    assert "— c.txt, lines 4-5" in out


def test_ask_stdin_jsonl(small_store: Path, capsys, monkeypatch) -> None:
    questions = "what is overfitting\n\nzxqv blorptang wubwub\nrandom forest\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(questions))
    assert main(["ask", "-", "--store", str(small_store)]) == 0
    lines = capsys.readouterr().out.splitlines()
    docs = [json.loads(line) for line in lines]
    # One line out per line in, the blank one included (tests/cli/test_ask_batch.py).
    assert [d["query"] for d in docs] == ["what is overfitting", "", "zxqv blorptang wubwub",
                                          "random forest"]  # fmt: skip
    assert docs[1] == {"query": "", "error": "the question is empty"}
    assert [d.get("abstained") for d in docs] == [False, None, True, False]


def test_ask_builds_the_store_when_missing(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("QAGRAPH_MODEL", "hashing")
    store = tmp_path / "new"
    assert main(["ask", "what is gradient descent", "--json", "--store", str(store)]) == 0
    captured = capsys.readouterr()
    assert "building it from the bundled corpus" in captured.err
    data = json.loads(captured.out)
    assert data["results"][0]["question"] == "What is gradient descent?"


@pytest.mark.parametrize("argv", [["ask", "  "], ["ask", "x", "-k", "0"]])
def test_bad_input_is_a_one_line_error(argv: list[str], small_store: Path, capsys) -> None:
    with pytest.raises(SystemExit) if "-k" in argv else _no_raise():
        code = main([*argv, "--store", str(small_store)])
        assert code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


class _no_raise:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False
