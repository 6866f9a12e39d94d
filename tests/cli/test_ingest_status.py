"""`qagraph ingest` with nothing to ingest is a user mistake: exit status 2, one error line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qagraph.cli import main


@pytest.mark.parametrize("json_output", [False, True])
def test_nothing_ingested_is_a_user_mistake(tmp_path: Path, capsys, json_output: bool) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00\x01\x02")
    store = tmp_path / "store"
    argv = ["ingest", str(tmp_path / "empty.txt"), str(tmp_path / "notes.bin"),
            str(tmp_path / "missing.md"), "--store", str(store), "--no-progress",
            "--model", "hashing"]  # fmt: skip
    capsys.readouterr()
    assert main(argv + (["--json"] if json_output else [])) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("qagraph: error:")]
    assert errors == ["qagraph: error: nothing could be ingested"]
    assert "Traceback" not in err
    if json_output:
        assert json.loads(out)["nodes"] == 0  # still exactly one JSON document
    assert not (store / "CURRENT").exists()  # no store written


def test_a_store_survives_a_failed_ingest(tmp_path: Path, capsys) -> None:
    (tmp_path / "good.txt").write_text("Q: What is bias?\nError.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    store = str(tmp_path / "store")
    common = ["--store", store, "--no-progress", "--model", "hashing"]
    assert main(["ingest", str(tmp_path / "good.txt"), *common]) == 0
    assert main(["ingest", str(tmp_path / "empty.txt"), *common]) == 2
    capsys.readouterr()
    assert main(["nodes", "--store", store, "--json"]) == 0
    assert [n["question"] for n in json.loads(capsys.readouterr().out)["nodes"]] == [
        "What is bias?"
    ]
