"""`qagraph ask -` is a batch interface: output line N answers input line N."""

from __future__ import annotations

import io
import json
import sys

import pytest

from qagraph.cli import main

DOC = "Q: What is overfitting?\nA model that memorises noise.\n\nQ: What is bias?\nError.\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("batch")
    (root / "faq.txt").write_text(DOC, encoding="utf-8")
    argv = ["ingest", str(root / "faq.txt"), "--store", str(root / "store"), "--no-progress"]
    assert main([*argv, "--model", "hashing"]) == 0
    return str(root / "store")


def _ask(store: str, text: str, capsys, monkeypatch) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    capsys.readouterr()
    assert main(["ask", "-", "--store", store]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_blank_lines_keep_their_place(store: str, capsys, monkeypatch) -> None:
    questions = ["what is overfitting", "", "   ", "what is bias", "\t", "overfitting"]
    docs = _ask(store, "\n".join(questions) + "\n", capsys, monkeypatch)
    assert len(docs) == len(questions)
    for question, doc in zip(questions, docs, strict=True):
        if question.strip():
            assert doc["query"] == question and "error" not in doc
        else:
            assert doc == {"query": "", "error": "the question is empty"}


def test_line_endings_and_a_last_line_without_newline(store: str, capsys, monkeypatch) -> None:
    docs = _ask(store, "\r\nwhat is bias\r\n\r\nwhat is overfitting", capsys, monkeypatch)
    assert [d["query"] for d in docs] == ["", "what is bias", "", "what is overfitting"]
    assert ["error" in d for d in docs] == [True, False, True, False]
