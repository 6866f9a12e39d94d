"""Faults and bad input on the way into the store: symlink loops, named pipes and devices,
oversize documents and answers, and the limits' settings.

Each test here failed before its fix: a symlink loop ended the whole ingest with
`RuntimeError: Symlink loop`, a named pipe hung it, /dev/zero filled memory, and neither
documents nor answers had a size limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import qagraph
from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import (
    DEFAULT_MAX_ANSWER_CHARS,
    IngestConfig,
    ingest,
)
from qagraph.ingest.readers import (
    DEFAULT_MAX_FILE_BYTES,
    ReadError,
    file_size_limit,
    iter_input_files,
    read_document,
)
from qagraph.ingest.split import split_document
from qagraph.kb import Store

GOOD = "Q: What is overfitting?\nA model that memorises noise.\n"
QUIET = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
# The child must import this checkout even when qagraph is not installed.
CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(qagraph.__file__).parents[1])}


@pytest.fixture
def looped(tmp_path: Path) -> Path:
    """A folder with one good document and three symlink loops (self, pair, via folder)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink("self.md", folder / "self.md")
    os.symlink("b.md", folder / "a.md")
    os.symlink("a.md", folder / "b.md")
    (folder / "sub").mkdir()
    os.symlink("../sub/x.txt", folder / "sub" / "x.txt")
    return folder


# -- 1. symlink loops ---------------------------------------------------------------------


@needs_symlinks
def test_symlink_loops_in_a_folder_are_problems_and_the_rest_is_listed(looped: Path) -> None:
    files, problems = iter_input_files([looped])
    assert [f.name for f in files] == ["good.txt"]
    loop = "skipped: symlink loop (the link leads back to itself)"
    assert problems == [
        f"{looped / 'a.md'}: {loop}",
        f"{looped / 'b.md'}: {loop}",
        f"{looped / 'self.md'}: {loop}",
        f"{looped / 'sub' / 'x.txt'}: {loop}",
    ]


@needs_symlinks
def test_symlink_loop_given_directly_is_named_as_such(looped: Path) -> None:
    files, problems = iter_input_files([looped / "self.md", looped / "good.txt"])
    assert [f.name for f in files] == ["good.txt"]
    assert problems == [
        f"{looped / 'self.md'}: skipped: symlink loop (the link leads back to itself)"
    ]


@needs_symlinks
def test_ingest_of_a_folder_with_a_symlink_loop_stores_the_good_files(
    looped: Path, tmp_path: Path
) -> None:
    result = ingest([looped], store=tmp_path / "store", config=QUIET)
    assert result.ok and result.nodes == 1
    assert len(result.problems) == 4 and all("symlink loop" in p for p in result.problems)
    with Store(tmp_path / "store").open() as kb:
        assert [s.name for s in kb.sources()] == ["good.txt"]


@needs_symlinks
def test_reading_a_symlink_loop_is_a_read_error(looped: Path) -> None:
    with pytest.raises(ReadError, match=r"^self\.md: symlink loop"):
        read_document(looped / "self.md")


# -- 2. named pipes and devices -----------------------------------------------------------


def _in_thread(func, timeout: float = 20.0):
    """Run `func` in a daemon thread; fail (without hanging) if it is not done in time."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    return thread, outcome


@needs_fifo
def test_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    thread, outcome = _in_thread(lambda: read_document(fifo))
    if thread.is_alive():
        # Unblock the reader stuck in open() so the test session can end.
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a named pipe hung")
    error = outcome.get("error")
    assert isinstance(error, ReadError), outcome
    assert str(error) == ("pipe.md: not a regular file (named pipe); only regular files are read")


@needs_fifo
def test_named_pipe_in_a_folder_is_skipped_and_the_rest_ingested(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(docs / "pipe.md")
    thread, outcome = _in_thread(lambda: ingest([docs], store=tmp_path / "store", config=QUIET))
    if thread.is_alive():
        os.close(os.open(docs / "pipe.md", os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("ingesting a folder holding a named pipe hung")
    result = outcome["value"]
    by_name = {r.name: r for r in result.reports}
    assert (
        by_name["pipe.md"].error == "not a regular file (named pipe); only regular files are read"
    )
    assert by_name["good.txt"].nodes == 1 and result.nodes == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_given_as_a_document_is_refused_without_reading(tmp_path: Path) -> None:
    # In a child with a 2 GB address-space cap and a timeout: before the fix this read
    # /dev/zero until memory ran out.
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))\n"
        "from qagraph.ingest.readers import ReadError, read_document\n"
        "try:\n"
        "    read_document(sys.argv[1])\n"
        "except ReadError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(zero)],
        capture_output=True,
        text=True,
        timeout=60,
        env=CHILD_ENV,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == (
        "zero.txt: not a regular file (character device); only regular files are read"
    )


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="no /proc")
def test_read_is_bounded_even_when_the_file_size_is_wrong(tmp_path: Path) -> None:
    # /proc files are regular files that report size 0 but hold text: the stat check
    # passes, so only the bounded read can catch them.
    status = tmp_path / "status.txt"
    os.symlink("/proc/self/status", status)
    with pytest.raises(ReadError, match=r"^status\.txt: file is larger than the 10 bytes limit"):
        read_document(status, max_bytes=10)
    assert read_document(status).n_lines > 1  # within the default limit


# -- 9. size limits -----------------------------------------------------------------------


def test_document_over_the_default_limit_is_skipped_with_a_clear_message(tmp_path: Path) -> None:
    assert DEFAULT_MAX_FILE_BYTES == 10_000_000 and IngestConfig().max_file_mb == 10
    big = tmp_path / "big.txt"
    with big.open("wb") as file:  # sparse: no 10 MB written to disk
        file.write(GOOD.encode())
        file.truncate(DEFAULT_MAX_FILE_BYTES + 1)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = ingest([big, tmp_path / "good.txt"], store=tmp_path / "store", config=QUIET)
    by_name = {r.name: r for r in result.reports}
    assert by_name["big.txt"].error == (
        "file is 10.0 MB, over the 10 MB limit on documents (raise it with --max-file-mb)"
    )
    assert by_name["good.txt"].nodes == 1 and result.ok


def test_max_file_mb_setting_is_obeyed(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text(GOOD * 100, encoding="utf-8")  # 5,400 bytes
    small = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"), max_file_mb=0.005)
    result = ingest([doc], store=tmp_path / "s1", config=small)
    assert not result.ok
    assert result.reports[0].error == (
        "file is 5,400 bytes, over the 5,000 bytes limit on documents (raise it with --max-file-mb)"
    )
    larger = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"), max_file_mb=0.01)
    assert ingest([doc], store=tmp_path / "s2", config=larger).ok


def test_file_size_limit_is_scoped_and_checked() -> None:
    with pytest.raises(ValueError, match="at least 1 byte"):
        with file_size_limit(0):
            pass


def _long_answer_doc(tmp_path: Path, n_lines: int = 800, fence_at: int | None = None) -> Path:
    lines = ["# Notes", "", "## What is a very long answer?", ""]
    for i in range(n_lines):
        if fence_at is not None and i == fence_at:
            lines.append("```python")
        lines.append(f"line {i} of the answer, which goes on and on about gradient descent")
    lines += ["", "## What is a short answer?", "", "Short."]
    path = tmp_path / "long.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_long_answer_is_cut_with_a_note_and_honest_lines(tmp_path: Path) -> None:
    path = _long_answer_doc(tmp_path)
    full = {n.question: n for n in split_document(read_document(path))}
    result = ingest([path], store=tmp_path / "store", config=QUIET)
    assert result.ok
    report = result.reports[0]
    with Store(tmp_path / "store").open() as kb:
        nodes = {n.question: n for n in kb.nodes()}
        (source,) = kb.sources()
    long_q = "What is a very long answer?"
    original, stored = full[long_q], nodes[long_q]
    assert len(original.answer) > DEFAULT_MAX_ANSWER_CHARS
    # The citation still covers the whole answer.
    assert (stored.line_start, stored.line_end) == (original.line_start, original.line_end)
    kept, note = stored.answer.split("\n\n*[Answer cut: ")
    assert len(kept) <= DEFAULT_MAX_ANSWER_CHARS
    assert original.answer.startswith(kept) and kept.endswith("gradient descent")  # whole lines
    assert note == (
        f"it has {len(original.answer):,} characters, of which the first {len(kept):,} are "
        f"kept here. The full answer is in long.md, lines {original.line_start}-"
        f"{original.line_end}.]*"
    )
    warning = (
        f"long.md: the answer to {long_q!r} (lines {original.line_start}-{original.line_end}) "
        f"has {len(original.answer):,} characters; only the first {len(kept):,} are stored "
        f"(limit: max_answer_chars = 20,000)"
    )
    assert source.warnings == (warning,) and report.warnings == (warning,)
    assert report.line() == "long.md: 2 nodes, 0 unanswered, 1 warnings"
    assert nodes["What is a short answer?"].answer == "Short."


def test_cut_inside_a_code_block_closes_the_fence(tmp_path: Path) -> None:
    path = _long_answer_doc(tmp_path, fence_at=10)
    result = ingest([path], store=tmp_path / "store", config=QUIET)
    with Store(result.store).open() as kb:
        (node,) = [n for n in kb.nodes() if n.question == "What is a very long answer?"]
    kept = node.answer.split("\n\n*[Answer cut: ")[0]
    assert kept.endswith("gradient descent\n```")


def test_max_answer_chars_none_keeps_answers_whole(tmp_path: Path) -> None:
    path = _long_answer_doc(tmp_path)
    uncut = IngestConfig(
        progress=False, encoder=EncoderConfig(model="hashing"), max_answer_chars=None
    )
    result = ingest([path], store=tmp_path / "store", config=uncut)
    assert result.reports[0].warnings == ()
    with Store(result.store).open() as kb:
        assert max(len(n.answer) for n in kb.nodes()) > DEFAULT_MAX_ANSWER_CHARS


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_file_mb": 0}, "max_file_mb must be a number of megabytes above 0 (default 10), "
         "or None for no limit; not 0"),
        ({"max_file_mb": -1.5}, "not -1.5"),
        ({"max_file_mb": float("nan")}, "not nan"),
        ({"max_file_mb": float("inf")}, "not inf"),
        ({"max_file_mb": "10"}, "not '10'"),
        ({"max_file_mb": True}, "not True"),
        ({"max_answer_chars": 199}, "max_answer_chars must be a whole number of characters, at "
         "least 200 (default 20000), or None for no limit; not 199"),
        ({"max_answer_chars": 2e4}, "not 20000.0"),
        ({"max_answer_chars": False}, "not False"),
    ],
)  # fmt: skip
def test_limits_are_checked_when_the_config_is_made(settings: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        IngestConfig(**settings)
    assert str(info.value).endswith(message)
    assert "\n" not in str(info.value)


def test_limits_accept_their_allowed_values() -> None:
    config = IngestConfig(max_file_mb=0.5, max_answer_chars=200)
    assert config.max_file_bytes == 500_000
    assert IngestConfig(max_file_mb=None, max_answer_chars=None).max_file_bytes is None
    assert IngestConfig(max_file_mb=3).max_file_bytes == 3_000_000
