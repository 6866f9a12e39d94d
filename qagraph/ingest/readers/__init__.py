"""Document readers: turn text, markdown, HTML, reStructuredText, Jupyter notebook, Word and
PDF files into `Document`s.

Typical use::

    inputs, problems = iter_input_files(["notes/", "extra/faq.html"])
    for item in inputs:
        try:
            doc = read_document(item.path, name=item.name)
        except ReadError as exc:
            problems.append(str(exc))

Every failure is a `ReadError` (a `QagraphError`) whose message is one line naming the
file, so callers can collect them and go on with the other files.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.docx import DocxReader
from qagraph.ingest.readers.html import HtmlReader, html_to_markdown
from qagraph.ingest.readers.markdown import MarkdownReader
from qagraph.ingest.readers.mdx import MdxReader
from qagraph.ingest.readers.notebook import NotebookReader
from qagraph.ingest.readers.pdf import PdfReader
from qagraph.ingest.readers.rst import RstReader
from qagraph.ingest.readers.text import (
    DEFAULT_MAX_FILE_BYTES,
    MB,
    TextReader,
    decode_bytes,
    file_size_limit,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "MB",
    "READERS",
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TYPES",
    "DocxReader",
    "Document",
    "HtmlReader",
    "InputFile",
    "MarkdownReader",
    "MdxReader",
    "NotebookReader",
    "PdfReader",
    "ReadError",
    "Reader",
    "RstReader",
    "TextReader",
    "decode_bytes",
    "file_size_limit",
    "html_to_markdown",
    "iter_input_files",
    "printable_name",
    "read_document",
    "reader_for",
]

READERS: tuple[Reader, ...] = (
    TextReader(),
    MarkdownReader(),
    MdxReader(),
    HtmlReader(),
    RstReader(),
    NotebookReader(),
    DocxReader(),
    PdfReader(),
)
_BY_SUFFIX: dict[str, Reader] = {suffix: r for r in READERS for suffix in r.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_BY_SUFFIX))
# The one place that names the supported types for people (help, upload label, messages).
SUPPORTED_TYPES = ", ".join(SUPPORTED_SUFFIXES)


class InputFile(NamedTuple):
    """A file to ingest and the name to cite it by.

    Attributes:
        path: The file on disk.
        name: Citation name: the path relative to the folder it was found in (posix
            form, e.g. "contrib/probability.md"), or the file name for a file given
            directly.
    """

    path: Path
    name: str


def printable_name(text: str | os.PathLike[str]) -> str:
    """`text` with undecodable bytes of a file name shown as U+FFFD.

    Python keeps the bytes of a non-UTF-8 file name as lone surrogates, which SQLite,
    hashing and strict UTF-8 output all refuse; citations only need a readable name.
    """
    text = os.fspath(text)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def reader_for(path: str | Path) -> Reader | None:
    """The reader for `path`'s suffix (case-insensitive), or None if unsupported."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def read_document(
    path: str | Path, *, name: str | None = None, max_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> Document:
    """Read one file with the reader its suffix calls for.

    Only regular files are read (a named pipe or device is refused without reading it),
    and at most `max_bytes` of them.

    Args:
        path: The file to read.
        name: Name to cite it by (see `InputFile.name`); defaults to the file name.
        max_bytes: Largest file accepted, in bytes (default 10 MB); None for no limit.

    Returns:
        The document.

    Raises:
        ReadError: Unsupported suffix, or the file is missing, unreadable, not a regular
            file, larger than `max_bytes`, empty or binary.
    """
    path = Path(path)
    name = name or path.name
    reader = reader_for(path)
    if reader is None:
        kind = f"'{path.suffix}'" if path.suffix else "without an extension"
        raise ReadError(
            f"{name}: unsupported file type {kind} (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    with file_size_limit(max_bytes):
        return reader.read(path, name=name)


def iter_input_files(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[InputFile], list[str]]:
    """Expand files and folders into the files to ingest.

    A file is taken as given, whatever its suffix (`read_document` reports an unsupported
    one, so the user hears about it). A folder is walked recursively for supported
    suffixes, in sorted order, skipping hidden files and folders (names starting with
    "."), which hold version control and editor state, not documents. A file reached
    twice is kept once; a name already taken by another input is prefixed with its
    folder's name so citations stay unambiguous. A symlink loop (a link leading back to
    itself, directly or through other links) is a problem, not a file.

    Args:
        paths: Files and folders, in the order they should be read.

    Returns:
        The files with their citation names, and one-line problems for paths that are
        missing or symlink loops, and for folders holding no readable file.
    """
    found: list[InputFile] = []
    problems: list[str] = []
    seen: set[Path] = set()
    taken: set[str] = set()

    def add(path: Path, name: str, prefix: str) -> None:
        key = _resolved(path)
        if key in seen:
            return
        seen.add(key)
        name, prefix = printable_name(name), printable_name(prefix)
        if name in taken:
            name = f"{prefix}/{name}"
            if name in taken:
                name = printable_name(key.as_posix())
        taken.add(name)
        found.append(InputFile(path, name))

    for given in paths:
        path = Path(given)
        if path.is_dir():
            files, walk_problems = _walk_folder(path)
            problems.extend(walk_problems)
            if not files and not walk_problems:
                problems.append(
                    f"{printable_name(given)}: no readable files in this folder "
                    f"(supported: {SUPPORTED_TYPES})"
                )
            for file in files:
                add(file, file.relative_to(path).as_posix(), _resolved(path).name)
        elif path.exists():
            add(path, path.name, _resolved(path).parent.name)
        elif _is_symlink_loop(path):
            problems.append(f"{printable_name(given)}: skipped: {_LOOP}")
        else:
            problems.append(f"{printable_name(given)}: no such file or directory")
    logger.debug("%d input files, %d problems", len(found), len(problems))
    return found, problems


_LOOP = "symlink loop (the link leads back to itself)"


def _is_symlink_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _resolved(path: Path) -> Path:
    """`path.resolve()`, or the absolute path when it cannot be resolved.

    Python 3.11 raises RuntimeError on a symlink loop (later versions OSError); a loop
    created after the walk must still not end the whole ingest with a traceback.
    """
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _walk_folder(root: Path) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    loops: list[Path] = []
    problems: list[str] = []

    def on_error(exc: OSError) -> None:
        problems.append(
            f"{printable_name(exc.filename)}: cannot read folder ({exc.strerror or exc})"
        )

    # os.walk does not follow symlinked folders, so a link loop cannot hang the walk.
    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if filename.startswith(".") or reader_for(filename) is None:
                continue
            path = Path(folder, filename)
            (loops if _is_symlink_loop(path) else files).append(path)
    files.sort(key=lambda p: p.relative_to(root).as_posix())
    loops.sort(key=lambda p: p.relative_to(root).as_posix())
    problems += [f"{printable_name(p)}: skipped: {_LOOP}" for p in loops]
    return files, problems
