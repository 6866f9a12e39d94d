"""The ingest pipeline and the `ingest`/`nodes` commands, including bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Store

GOOD = (
    "Q: What is overfitting?\nA model that memorises noise.\n\n"
    "Q: What is bias?\nError from assumptions.\n"
)
QUIET = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.md").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (folder / "latin.txt").write_bytes("Q: Qu'est-ce qu'un modèle?\nUn modèle.\n".encode("cp1252"))
    (folder / "prose.md").write_text("Just some notes.\n\nNothing to ask here.\n", encoding="utf-8")
    return folder


def test_bad_files_are_reported_and_the_rest_ingested(docs: Path, tmp_path: Path) -> None:
    result = ingest([docs], store=tmp_path / "store", config=QUIET)
    by_name = {r.name: r for r in result.reports}
    assert by_name["good.txt"].nodes == 2 and by_name["good.txt"].error is None
    assert by_name["empty.txt"].error == "file is empty"
    assert "binary" in by_name["binary.md"].error
    assert by_name["prose.md"].error == "no questions found"
    assert by_name["latin.txt"].nodes == 1
    assert any("cp1252" in w for w in by_name["latin.txt"].warnings)
    assert result.ok and result.nodes == 3
    with Store(tmp_path / "store").open() as kb:
        assert sorted(s.name for s in kb.sources()) == ["good.txt", "latin.txt"]
        assert len(kb.edges("from")) == 3


def test_missing_path_and_empty_folder_are_problems(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = ingest([tmp_path / "nope", tmp_path / "empty"], store=tmp_path / "s", config=QUIET)
    assert not result.ok
    assert any("no such file or directory" in p for p in result.problems)
    assert any("no readable" in p for p in result.problems)
    assert not Store(tmp_path / "s").exists


def test_failed_ingest_keeps_previous_store(docs: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest([docs / "good.txt"], store=store, config=QUIET)
    result = ingest([docs / "empty.txt"], store=store, config=QUIET)
    assert not result.ok
    with Store(store).open() as kb:
        assert len(kb.nodes()) == 2


def test_add_keeps_other_sources(docs: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest([docs / "good.txt"], store=store, config=QUIET)
    ingest([docs / "latin.txt"], store=store, config=QUIET, add=True)
    with Store(store).open() as kb:
        assert sorted(s.name for s in kb.sources()) == ["good.txt", "latin.txt"]
    ingest([docs / "latin.txt"], store=store, config=QUIET)
    with Store(store).open() as kb:
        assert [s.name for s in kb.sources()] == ["latin.txt"]


def test_cli_exit_status_and_messages(docs: Path, tmp_path: Path, capsys) -> None:
    store = str(tmp_path / "store")
    assert main(["ingest", str(docs), "--store", store, "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "good.txt: 2 nodes, 0 unanswered, 0 warnings" in out
    assert "empty.txt: skipped: file is empty" in err
    assert "Traceback" not in err
    assert main(["ingest", str(docs / "empty.txt"), "--store", store, "--no-progress"]) == 2
    out, err = capsys.readouterr()
    assert "nothing could be ingested" in err


def test_cli_nodes_json(docs: Path, tmp_path: Path, capsys) -> None:
    store = str(tmp_path / "store")
    main(["ingest", str(docs / "good.txt"), "--store", store, "--no-progress"])
    capsys.readouterr()
    assert main(["nodes", "--json", "--store", store]) == 0
    data = json.loads(capsys.readouterr().out)
    node = data["nodes"][0]
    assert set(node) == {
        "id",
        "source",
        "number",
        "section",
        "question",
        "answer",
        "line_start",
        "line_end",
        "answered",
        "concepts",
        "location",
    }
    assert node["location"] is None  # a text file is cited by its lines
    assert node["question"] == "What is overfitting?"
    assert node["answer"] == "A model that memorises noise."
    assert (node["line_start"], node["line_end"]) == (1, 2)


def test_cli_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["nodes", "--store", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qagraph: error:") and err.count("\n") == 1
    store = str(tmp_path / "store")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    main(["ingest", str(tmp_path / "a.txt"), "--store", store, "--no-progress"])
    capsys.readouterr()
    assert main(["nodes", "--store", store, "--source", "zzz.txt"]) == 2
    assert "no source named 'zzz.txt'" in capsys.readouterr().err


def test_default_ingest_is_the_bundled_corpus(tmp_path: Path) -> None:
    result = ingest(None, store=tmp_path / "s", config=QUIET)
    assert result.nodes == 165 and len(result.reports) == 5


@pytest.mark.skipif(os.name != "posix", reason="needs a file system that takes raw bytes")
def test_non_utf8_file_and_folder_names_are_ingested(tmp_path: Path) -> None:
    # Python holds the undecodable bytes as lone surrogates, which hashing and SQLite
    # refuse: the ingest used to crash with a UnicodeEncodeError traceback.
    root = os.fsencode(tmp_path)
    os.mkdir(root + b"/docs\xe9")
    with open(root + b"/docs\xe9/caf\xe9.txt", "wb") as handle:
        handle.write(GOOD.encode("utf-8"))
    with open(root + b"/caf\xe9.txt", "wb") as handle:  # the same name, given directly
        handle.write(GOOD.replace("bias", "variance").encode("utf-8"))
    folder, file = os.fsdecode(root + b"/docs\xe9"), os.fsdecode(root + b"/caf\xe9.txt")
    result = ingest([folder, file], store=tmp_path / "store", config=QUIET)
    assert result.ok and result.nodes == 4
    with Store(tmp_path / "store").open() as kb:
        names = sorted(s.name for s in kb.sources())
        assert names == ["caf\ufffd.txt", f"{tmp_path.name}/caf\ufffd.txt"]
        json.dumps([n.to_json() for n in kb.nodes()], ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["ingest", "{docs}", "--no-progress"],
        ["nodes"],
        ["concepts"],
        ["ask", "what is overfitting"],
    ],
)
def test_store_path_that_is_a_file_is_a_one_line_error(
    argv: list[str], docs: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("QAGRAPH_MODEL", "hashing")
    taken = tmp_path / "store.txt"
    taken.write_text("not a store\n", encoding="utf-8")
    argv = [a.format(docs=docs) for a in argv] + ["--store", str(taken)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    # Said at once: neither "building it from the bundled corpus" first, nor an error
    # about the store's vector cache after every file has been read.
    assert err == f"qagraph: error: the store {taken} is a file, not a folder\n"
    assert taken.read_text(encoding="utf-8") == "not a store\n"


def test_cli_progress_bar_only_on_a_terminal(docs: Path, tmp_path: Path, capsys) -> None:
    # `qagraph ingest docs 2> log`: the bar's redraws would fill the log.
    store = str(tmp_path / "store")
    assert main(["ingest", str(docs / "good.txt"), "--store", store, "--model", "hashing"]) == 0
    assert "ingest:" not in capsys.readouterr().err
