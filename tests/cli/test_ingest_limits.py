"""`qagraph ingest` on bad input: symlink loops, named pipes, and the size limit option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qagraph
from qagraph.cli import main

GOOD = "Q: What is overfitting?\nA model that memorises noise.\n"
# The child must import this checkout even when qagraph is not installed.
CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(qagraph.__file__).parents[1])}
CLI = [sys.executable, "-c", "import sys; from qagraph.cli import main; sys.exit(main())"]


def _common(tmp_path: Path) -> list[str]:
    return ["--store", str(tmp_path / "store"), "--no-progress", "--model", "hashing"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_is_one_line_and_the_rest_is_ingested(tmp_path: Path, capsys) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink("b.md", docs / "a.md")
    os.symlink("a.md", docs / "b.md")
    assert main(["ingest", str(docs), *_common(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "RuntimeError" not in err
    loop = "skipped: symlink loop (the link leads back to itself)"
    assert err.splitlines() == [f"{docs / 'a.md'}: {loop}", f"{docs / 'b.md'}: {loop}"]
    assert "good.txt: 1 nodes, 0 unanswered, 0 warnings" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_named_pipe_given_as_a_document_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    cmd = [*CLI, "ingest", str(fifo), *_common(tmp_path)]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=60, env=CHILD_ENV, check=False
        )
    except subprocess.TimeoutExpired:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # let the child go
        pytest.fail("qagraph ingest on a named pipe hung")
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "x.md: skipped: not a regular file (named pipe); only regular files are read",
        "qagraph: error: nothing could be ingested",
    ]


def test_max_file_mb_option(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(GOOD * 100, encoding="utf-8")  # 5,400 bytes
    assert main(["ingest", str(doc), "--max-file-mb", "0.005", *_common(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "doc.txt: skipped: file is 5,400 bytes, over the 5,000 bytes limit on documents "
        "(raise it with --max-file-mb)",
        "qagraph: error: nothing could be ingested",
    ]
    argv = ["ingest", str(doc), "--max-file-mb", "0.01", "--json", *_common(tmp_path)]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["nodes"] == 100


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", ""])
def test_max_file_mb_refuses_bad_values_naming_the_allowed_ones(
    tmp_path: Path, capsys, value: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["ingest", "--max-file-mb", value, *_common(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert (
        f"argument --max-file-mb: expected a number of megabytes above 0, such as 10 or 0.5, "
        f"not {value!r}" in err
    )
    assert not (tmp_path / "store").exists()


def test_max_file_mb_is_documented() -> None:
    readme = (Path(qagraph.__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--max-file-mb" in readme and "max_answer_chars" in readme
