"""Jupyter notebook reader: markdown and code cells, in order, as one markdown text.

A notebook keeps its questions in markdown cells and their answers in the cells after
them, so the cells are written out in order: markdown cells as they are, code cells as
fences in the kernel's language, and their text outputs as plain fences. A cell is the
notebook's "line": `n_lines` is the number of cells and every output line of cell k maps
to k + 1, so a citation names the cells an answer came from.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any

import nbformat

from qagraph.ingest.readers.base import Document, Reader, ReadError
from qagraph.ingest.readers.text import normalize_newlines, read_bytes

logger = logging.getLogger(__name__)

_FENCE_RUN = re.compile(r"^\s*(`{3,}|~{3,})", re.MULTILINE)
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _fence_for(body: str) -> str:
    """A backtick fence longer than any fence inside `body`, so the body cannot close it."""
    longest = max((len(m.group(1)) for m in _FENCE_RUN.finditer(body)), default=0)
    return "`" * max(3, longest + 1)


def _fenced(body: str, info: str = "") -> list[str]:
    fence = _fence_for(body)
    return [f"{fence}{info}", *body.splitlines(), fence]


def _close_fence(lines: list[str]) -> list[str]:
    """`lines` with a fence left open closed: Jupyter renders each cell on its own."""
    opener = ""
    for line in lines:
        if m := _FENCE_OPEN.match(line):
            fence = m.group(1)
            if not opener:
                opener = fence
            elif fence[0] == opener[0] and len(fence) >= len(opener) and not m.group(2).strip():
                opener = ""
    return [*lines, opener] if opener else lines


def _output_text(output: Any) -> str:
    """The plain text of one code cell output ("" for images and other rich data)."""
    if not isinstance(output, dict):
        return ""
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
    elif kind in ("execute_result", "display_data"):
        text = output.get("data", {}).get("text/plain", "")
    elif kind == "error":
        text = "\n".join(output.get("traceback") or [f"{output.get('ename')}: ..."])
    else:
        return ""
    if isinstance(text, list):
        text = "".join(text)
    return _ANSI.sub("", text)


def cell_lines(cell: Any, language: str) -> list[str]:
    """The markdown lines one cell becomes (empty for empty and raw cells)."""
    if not isinstance(cell, dict):
        return []
    source = cell.get("source") or ""
    source = normalize_newlines("".join(source) if isinstance(source, list) else str(source))
    source = source.strip("\n")
    if not source.strip():
        return []
    if cell.get("cell_type") == "markdown":
        return _close_fence(source.splitlines())
    if cell.get("cell_type") != "code":
        return []
    lines = _fenced(source, language)
    outputs = "\n".join(t for o in cell.get("outputs", ()) if (t := _output_text(o).strip("\n")))
    if outputs.strip():
        lines += ["", *_fenced(normalize_newlines(outputs))]
    return lines


def notebook_to_markdown(cells: list[Any], language: str) -> tuple[list[str], list[int]]:
    """Write `cells` out as markdown.

    Returns:
        The markdown lines and, for each, the 1-based number of the cell it came from.
        The blank line that separates two cells belongs to the later one.
    """
    out: list[str] = []
    cell_of: list[int] = []
    for number, cell in enumerate(cells, start=1):
        lines = cell_lines(cell, language)
        if not lines:
            continue
        if out:
            lines = ["", *lines]
        out.extend(lines)
        cell_of.extend([number] * len(lines))
    return out, cell_of


class NotebookReader(Reader):
    """Reads Jupyter notebooks (.ipynb); the line map counts cells."""

    suffixes = (".ipynb",)
    format = "notebook"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read one notebook; see `Reader.read`.

        Raises:
            ReadError: The file is missing, not JSON, not a notebook, or has no text.
        """
        path = Path(path)
        name = name or path.name
        raw = read_bytes(path, name)
        if not raw.strip():
            raise ReadError(f"{name}: file is empty")
        try:
            text = raw.decode("utf-8-sig")
            data = json.loads(text)
        except UnicodeDecodeError:
            raise ReadError(f"{name}: not a notebook (not UTF-8 JSON)") from None
        except json.JSONDecodeError as exc:
            raise ReadError(f"{name}: not a notebook (invalid JSON: {_one_line(exc)})") from None
        if not isinstance(data, dict) or not isinstance(
            data.get("cells", data.get("worksheets")), list
        ):
            raise ReadError(f"{name}: not a notebook (no list of cells)")
        warnings: list[str] = []
        try:  # upgrades old notebooks to version 4 and checks the schema
            nb = nbformat.reads(text, as_version=4)
        except Exception as exc:  # nbformat raises assorted errors on off-schema notebooks
            logger.info("%s: not a valid notebook (%s); reading its cells as they are", name, exc)
            warnings.append(f"{name}: does not follow the notebook format; cells read as is")
            nb = data
        cells = nb.get("cells")
        if not isinstance(cells, list):
            raise ReadError(f"{name}: not a notebook (no list of cells)")
        metadata = nb.get("metadata") or {}
        language = (
            (metadata.get("language_info") or {}).get("name")
            or (metadata.get("kernelspec") or {}).get("language")
            or "python"
        )
        out, cell_of = notebook_to_markdown(cells, str(language))
        if not out:
            raise ReadError(f"{name}: notebook has no text in its cells")
        logger.debug("read %s: %d cells -> %d markdown lines", name, len(cells), len(out))
        return Document(
            name=name,
            path=str(path.absolute()),
            text="\n".join(out) + "\n",
            line_map=tuple(cell_of),
            encoding="utf-8",
            sha256=hashlib.sha256(raw).hexdigest(),
            n_lines=len(cells),
            warnings=tuple(warnings),
            format=self.format,
        )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."
