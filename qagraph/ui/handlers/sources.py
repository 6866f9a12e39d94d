"""Sources: the ingested documents, uploads into the store, web pages, incremental re-ingest.

Uploaded files are copied into `<store>/uploads/` (never the working directory) under a
sanitised name, then ingested with `add=True`, which keeps every other source; the
pipeline's embedding cache means only new or changed text goes through the model. A web
page is given by its URL: the pipeline fetches it and keeps the copy in the store (a page
already there is read from its copy unless asked to fetch it again). The app's state is
reloaded afterwards, atomically.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from qagraph.errors import QagraphError
from qagraph.ingest.readers import SUPPORTED_SUFFIXES, SUPPORTED_TYPES
from qagraph.ingest.web import is_url
from qagraph.ui.excerpts import file_changed
from qagraph.ui.state import AppState, Snapshot

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = SUPPORTED_SUFFIXES
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_LABEL = "2 MB"
HEADERS = ["source", "nodes", "unanswered", "lines", "encoding", "origin", "status", "warnings"]
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._ -]+")
_BUNDLED = Path(str(resources.files("qagraph") / "data" / "corpus"))


@dataclass(frozen=True)
class IngestOutcome:
    """The result of an upload or re-ingest, for the status box.

    Attributes:
        message: Markdown: one line per file, problems, and the new totals.
        ok: True when the store changed.
        saved: Files kept in the uploads folder.
        stored: Names of the files that were ingested into the store.
    """

    message: str
    ok: bool = False
    saved: list[Path] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)


def table(snapshot: Snapshot, uploads_dir: Path | None = None) -> list[list[object]]:
    """One row per source (see `HEADERS`)."""
    kb = snapshot.kb
    pages = kb.snapshots()
    states = {None: "file missing", True: "changed since ingest", False: "up to date"}
    rows = []
    for src in kb.sources():
        nodes = kb.nodes(source=src.name)
        if src.name in pages:
            # Read from the copy kept in the store: it never changes, and is fetched again
            # only when asked to.
            fetched = str(pages[src.name].get("fetched", "")).replace("T", " ")
            origin, status = "web page", f"copy fetched {fetched.removesuffix('Z')} UTC"
        else:
            status = states[file_changed(src.path, src.sha256)]
            origin = "file"
            if uploads_dir is not None and _inside(Path(src.path), uploads_dir):
                origin = "uploaded"
            elif _inside(Path(src.path), _BUNDLED):
                origin = "bundled corpus"
        rows.append(
            [
                src.name,
                len(nodes),
                sum(not n.answered for n in nodes),
                src.n_lines,
                src.encoding,
                origin,
                status,
                "; ".join(src.warnings) or "",
            ]
        )
    return rows


def summary_md(snapshot: Snapshot) -> str:
    kb = snapshot.kb
    n_sources, n_nodes = len(kb.sources()), len(kb.nodes())
    return (
        f"**{n_nodes}** questions from **{n_sources}** sources, store generation "
        f"`{snapshot.generation}`."
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


def safe_name(name: str) -> str:
    """A file name that cannot leave the uploads folder or hide in it."""
    base = Path(name.replace("\\", "/")).name
    base = _UNSAFE_RE.sub("_", base).strip(" .")
    return base or "upload.txt"


def save_uploads(files: Sequence[str | Path], uploads_dir: Path) -> tuple[list[Path], list[str]]:
    """Check type and size of uploaded files and copy the good ones into `uploads_dir`.

    Returns:
        The saved paths, and one line per rejected file.
    """
    saved: list[Path] = []
    problems: list[str] = []
    for given in files:
        path = Path(given)
        name = safe_name(path.name)
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            problems.append(f"{name}: not a supported file ({SUPPORTED_TYPES})")
            continue
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(f"{name}: cannot read the upload ({exc.strerror})")
            continue
        if size > MAX_UPLOAD_BYTES:
            problems.append(f"{name}: {size / 1e6:.1f} MB is over the {MAX_UPLOAD_LABEL} limit")
            continue
        if size == 0:
            problems.append(f"{name}: the file is empty")
            continue
        uploads_dir.mkdir(parents=True, exist_ok=True)
        target = uploads_dir / name
        shutil.copyfile(path, target)
        saved.append(target)
    return saved, problems


def upload(state: AppState, files: Sequence[str | Path]) -> IngestOutcome:
    """Save uploads into the store folder, ingest them, reload the app state."""
    if not files:
        return IngestOutcome(f"*Choose one or more files first ({SUPPORTED_TYPES}).*")
    existing = {s.name for s in state.snapshot.kb.sources()}
    # An upload replacing an earlier one overwrites its file; if the new file cannot be
    # ingested, the store still cites the old one, so it is put back.
    targets = {state.uploads_dir / safe_name(Path(f).name) for f in files}
    previous = {t: t.read_bytes() for t in targets if t.is_file()}
    saved, problems = save_uploads(files, state.uploads_dir)
    lines = [f"- {p}" for p in problems]
    if not saved:
        return IngestOutcome("**Nothing was added.**\n" + "\n".join(lines))
    replaced = [p.name for p in saved if p.name in existing]
    outcome = ingest_paths(state, saved)
    # A file that gave no node is not in the store, so it does not stay in its folder either.
    stored = set(outcome.stored)
    for path in saved:
        if path.name in stored:
            continue
        if path in previous:
            path.write_bytes(previous[path])
        else:
            path.unlink(missing_ok=True)
    kept = [p for p in saved if p.name in stored or p in previous]
    notes = [
        f"- {name}: replaces the source of the same name" for name in replaced if name in stored
    ]
    message = "\n".join([outcome.message, *lines, *notes])
    return IngestOutcome(message, outcome.ok, kept)


def reingest_changed(state: AppState) -> IngestOutcome:
    """Re-ingest the sources whose files changed since they were ingested."""
    kb = state.snapshot.kb
    changed, notes = [], []
    pages = kb.snapshots()
    for src in kb.sources():
        if src.name in pages:
            continue  # a web page is read from its copy; "Fetch again" refreshes it
        status = file_changed(src.path, src.sha256)
        if status is None:
            notes.append(f"- {src.name}: file missing at {src.path}; kept as stored")
        elif status and Path(src.path).name != src.name:
            notes.append(f"- {src.name}: changed; re-ingest its folder with `qagraph ingest`")
        elif status:
            changed.append(Path(src.path))
    if not changed:
        return IngestOutcome("**Every source is up to date.**\n" + "\n".join(notes))
    outcome = ingest_paths(state, changed)
    return IngestOutcome("\n".join([outcome.message, *notes]), outcome.ok)


def add_urls(state: AppState, text: str, *, refresh: bool = False) -> IngestOutcome:
    """Fetch the web pages whose URLs `text` lists (one per line or separated by spaces)
    and ingest them, keeping the store's other sources.

    A page the store already holds is read from its copy unless `refresh` is set.
    """
    urls = list(dict.fromkeys((text or "").split()))
    if not urls:
        return IngestOutcome("*Enter the address of a web page first (http:// or https://).*")
    bad = [u for u in urls if not is_url(u)]
    if bad:
        return IngestOutcome(
            "**Nothing was added.**\n"
            + "\n".join(
                f"- {u}: not a web address (it must start with http:// or https://)" for u in bad
            )
        )
    return ingest_paths(state, urls, refresh=refresh)


def ingest_paths(
    state: AppState, paths: Sequence[Path | str], *, refresh: bool = False
) -> IngestOutcome:
    """Ingest files (or web pages by URL) into the store, keeping its other sources, then
    reload the state."""
    from qagraph.ingest.contradictions.lexicon import with_lexicon_files
    from qagraph.ingest.pipeline import IngestConfig, ingest, resolve_build_config
    from qagraph.kb.lexicons import StoreLexicons

    if not state.ingest_lock.acquire(blocking=False):
        return IngestOutcome("**Another ingest is running.** Try again when it has finished.")
    try:
        try:
            # The store is rebuilt as it was built: its model, glossaries and concept settings.
            config, notes = resolve_build_config(state.store_path, IngestConfig(progress=False))
            config = with_lexicon_files(config, StoreLexicons(state.store_path).load())
            for note in notes:
                logger.info("%s", note)
            result = ingest(
                list(paths), store=state.store_path, config=config, add=True, refresh=refresh
            )
        except QagraphError as exc:
            return IngestOutcome(f"**Ingest failed:** {exc}")
        lines = [f"- {r.line()}" for r in result.reports] + [f"- {p}" for p in result.problems]
        lines += [f"- {note[0].upper()}{note[1:]}" for note in notes]
        lines += [f"- {note.replace('(--refresh', '(“Fetch again”')}" for note in result.notes]
        if not result.ok:
            return IngestOutcome(
                "**Nothing could be ingested; the store is unchanged.**\n" + "\n".join(lines)
            )
        snapshot = state.reload()
    finally:
        state.ingest_lock.release()
    head = f"**Ingested.** {summary_md(snapshot)}"
    stored = [r.name for r in result.reports if r.error is None]
    return IngestOutcome(head + "\n" + "\n".join(lines), True, stored=stored)
