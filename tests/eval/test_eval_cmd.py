"""`qagraph eval` argument handling (fast: fails before any model or store is loaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qagraph.cli import main


def test_unknown_split_and_variant_are_usage_errors(tmp_path: Path) -> None:
    for argv in (["--split", "train"], ["--variants", "lexical,bm25"], ["-k", "0"]):
        with pytest.raises(SystemExit) as info:
            main(["eval", "--store", str(tmp_path / "s"), *argv])
        assert info.value.code == 2


def test_failures_must_name_a_variant_that_runs(tmp_path: Path, capsys) -> None:
    argv = ["eval", "--store", str(tmp_path / "s"), "--variants", "lexical", "--failures", "dense"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("qagraph: error: --failures 'dense'") and err.count("\n") == 1
    assert not (tmp_path / "s").exists()


def test_a_malformed_set_is_reported_before_building_a_store(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"id": "q1"}\n', encoding="utf-8")
    assert main(["eval", "--store", str(tmp_path / "s"), "--set", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: field 'query'" in err
    assert not (tmp_path / "s").exists()
