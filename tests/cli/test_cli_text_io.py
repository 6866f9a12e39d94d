"""The command line never dies on text it cannot decode or encode."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from qagraph.cli import main

DOC = "Q: What is overfitting?\nA model that memorises noise.\n\nQ: What is bias?\nError.\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("textio")
    (root / "faq.txt").write_text(DOC, encoding="utf-8")
    argv = ["ingest", str(root / "faq.txt"), "--store", str(root / "store"), "--no-progress"]
    assert main([*argv, "--model", "hashing"]) == 0
    return str(root / "store")


def test_ask_stdin_with_non_utf8_bytes(
    store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `qagraph ask - < questions.txt` with a cp1252 file under a strict UTF-8 locale.
    raw = io.BytesIO("what is overfitting\ncaf\xe9 bias\n".encode("cp1252"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    capsys.readouterr()
    assert main(["ask", "-", "--store", store]) == 0
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["query"] for d in docs] == ["what is overfitting", "caf\ufffd bias"]


def test_ask_with_undecodable_argument_bytes(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A non-UTF-8 byte in argv reaches Python as a lone surrogate, which a strict UTF-8
    # stdout refuses to write.
    capsys.readouterr()
    assert main(["ask", "caf\udce9 overfitting", "--store", store, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["query"] == "caf? overfitting"


def test_ingest_report_of_undecodable_path(tmp_path: Path, capsys) -> None:
    missing = str(tmp_path / "caf\udce9.txt")
    assert main(["ingest", missing, "--store", str(tmp_path / "s"), "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["problems"] == [f"{tmp_path}/caf\ufffd.txt: no such file or directory"]
