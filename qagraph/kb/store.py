"""The persisted store: build a generation with `StoreWriter`, read it as a `KnowledgeBase`.

Writes are all-or-nothing: a writer fills a fresh generation folder and only its commit
swaps the CURRENT pointer, so an interrupted ingest leaves the previous store readable.
Only one writer per store at a time is supported; readers may run alongside it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import qagraph
from qagraph.kb.knowledge import KnowledgeBase, load_generation
from qagraph.kb.manifest import (
    BUILD_KEY,
    COLUMNS,
    DB_FILE,
    MANIFEST_FILE,
    SCHEMA_SQL,
    SCHEMA_VERSION,
    SNAPSHOT_DIR,
    SNAPSHOTS_KEY,
    BuildConfig,
    StoreError,
    default_store_path,
    fsync_path,
    load_manifest,
    new_generation_name,
    read_current,
    remove_older_generations,
    sha256_file,
    snapshots_of,
    utc_now_iso,
    write_current,
)
from qagraph.kb.records import Concept, Edge, QANode, SourceDoc

__all__ = [
    "SCHEMA_VERSION",
    "BuildConfig",
    "KnowledgeBase",
    "Store",
    "StoreError",
    "StoreWriter",
    "default_store_path",
]

logger = logging.getLogger(__name__)

# The generation folder is thrown away if the build fails, so durability during the build
# buys nothing; commit fsyncs the finished files before CURRENT points at them.
_BUILD_PRAGMAS = "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
_RESERVED_META = frozenset(
    {
        "schema_version",
        "qagraph_version",
        "created",
        "files",
        "parts",
        "counts",
        BUILD_KEY,
        SNAPSHOTS_KEY,
    }
)
_SNAPSHOT_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")


class Store:
    """A store folder holding generations of the knowledge base.

    Args:
        path: The store folder; created by the first `writer()` if missing.
    """

    def __init__(self, path: str | Path) -> None:
        self._root = Path(path).expanduser()

    @property
    def path(self) -> Path:
        """The store folder."""
        return self._root

    @property
    def exists(self) -> bool:
        """True when CURRENT names a generation folder holding a manifest and a database."""
        try:
            gen_dir = self._root / read_current(self._root)
        except StoreError:
            return False
        return (gen_dir / MANIFEST_FILE).is_file() and (gen_dir / DB_FILE).is_file()

    def check_path(self) -> None:
        """Raise `StoreError` when the store path is taken by something other than a folder."""
        if self._root.exists() and not self._root.is_dir():
            raise StoreError(f"the store {self._root} is a file, not a folder")

    @contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """Build a new generation; it goes live when the with-block exits cleanly.

        An exception inside the block deletes the partial generation and leaves the
        current one untouched.

        Yields:
            The writer for the new generation.
        """
        writer = StoreWriter(self._root)
        try:
            yield writer
        except BaseException:
            writer.abort()
            raise
        if not writer.committed:
            writer.commit()

    def open(self) -> KnowledgeBase:
        """Load the live generation into memory.

        Returns:
            A read-only, thread-safe view of the knowledge base.

        Raises:
            StoreError: When the store is missing, corrupt, or has a newer schema version.
        """
        generation = read_current(self._root)
        try:
            return load_generation(self._root, generation)
        except StoreError:
            # A commit may have swapped CURRENT and removed this generation under us.
            if read_current(self._root) == generation:
                raise
        return load_generation(self._root, read_current(self._root))

    def build_config(self) -> BuildConfig:
        """How the live generation was built (model, glossaries, concept and link settings).

        Reads only the manifest. A store written before build settings were recorded gives
        the defaults with the model its manifest names (`recorded` is then False).

        Raises:
            StoreError: When the store is missing or its manifest is corrupt.
        """
        generation = read_current(self._root)
        try:
            manifest = load_manifest(self._root, generation)
        except StoreError:
            # A commit may have swapped CURRENT and removed this generation under us.
            if read_current(self._root) == generation:
                raise
            manifest = load_manifest(self._root, read_current(self._root))
        return BuildConfig.from_manifest(manifest)

    def snapshots(self) -> dict[str, tuple[Path, dict[str, Any]]]:
        """The documents the live generation keeps a copy of (see `StoreWriter.add_snapshot`).

        Reads only the manifest; empty when there is no store.

        Returns:
            By source name: the kept file and what the manifest records about it.
        """
        if not self.exists:
            return {}
        generation = read_current(self._root)
        try:
            manifest = load_manifest(self._root, generation)
        except StoreError:
            if read_current(self._root) == generation:
                raise
            generation = read_current(self._root)
            manifest = load_manifest(self._root, generation)
        return snapshots_of(self._root / generation, manifest)

    def __repr__(self) -> str:
        return f"Store({str(self._root)!r})"


class StoreWriter:
    """Fills one new generation folder; readers see nothing of it until `commit`.

    Use `Store.writer()` rather than building one directly.

    Args:
        root: The store folder.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._name = new_generation_name()
        self._dir = root / self._name
        self._meta: dict[str, Any] = {"model": {}}
        self._parts: set[str] = set()
        self._snapshots: dict[str, dict[str, Any]] = {}
        self.committed = False
        self._closed = False
        try:
            self._dir.mkdir(parents=True)
            self._conn = sqlite3.connect(self._dir / DB_FILE, isolation_level=None)
            self._conn.executescript(_BUILD_PRAGMAS + SCHEMA_SQL)
            self._conn.execute("BEGIN")
        except (OSError, sqlite3.Error) as exc:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise StoreError(f"cannot create a store generation in {root}: {exc}") from exc

    @property
    def path(self) -> Path:
        """The new generation folder, where other stages may write files to `register_file`."""
        return self._dir

    def add_sources(self, sources: Iterable[SourceDoc]) -> None:
        """Insert source documents; a name may appear once per generation."""
        rows = (
            (s.name, s.path, s.sha256, s.n_lines, s.encoding, json.dumps(list(s.warnings)))
            for s in sources
        )
        self._insert("sources", rows, "source name")

    def add_nodes(self, nodes: Iterable[QANode]) -> None:
        """Insert question/answer nodes; an id may appear once per generation."""
        rows = (
            (
                n.id,
                n.source,
                n.number,
                n.section,
                n.question,
                n.answer,
                n.line_start,
                n.line_end,
                int(n.answered),
                json.dumps(list(n.concepts), ensure_ascii=False),
                n.location,
            )
            for n in nodes
        )
        self._insert("nodes", rows, "node id")

    def add_concepts(self, concepts: Iterable[Concept]) -> None:
        """Insert concepts; a name may appear once per generation."""
        rows = (
            (c.name, json.dumps(list(c.aliases)), json.dumps(list(c.broader)), c.origin)
            for c in concepts
        )
        self._insert("concepts", rows, "concept name")

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Insert graph edges, kept in insertion order."""
        rows = ((e.src, e.dst, e.kind, float(e.weight), e.data) for e in edges)
        self._insert("edges", rows, "edge")

    def set_meta(self, key: str, value: Any) -> None:
        """Record a JSON-serialisable manifest entry, e.g. `model` = {"name", "sha256"}.

        Raises:
            ValueError: When `key` is one the store fills itself.
            TypeError: When `value` is not JSON-serialisable.
        """
        if key in _RESERVED_META:
            raise ValueError(f"manifest key {key!r} is filled by the store itself")
        self._meta[key] = json.loads(json.dumps(value))  # snapshot, and fail early

    def set_build_config(self, build: BuildConfig) -> None:
        """Record how this generation is built (the manifest's "build" object)."""
        self._meta[BUILD_KEY] = json.loads(json.dumps(build.to_json()))

    def register_file(self, name: str) -> None:
        """Declare a file the caller writes under `path`; commit records its sha256.

        Args:
            name: Path relative to the generation folder, with `/` separators.
        """
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or "\\" in name or str(rel) in ("", "."):
            raise ValueError(f"part name {name!r} must be a relative path inside the generation")
        if str(rel) in (MANIFEST_FILE, DB_FILE):
            raise ValueError(f"part name {name!r} is reserved for the store")
        self._parts.add(str(rel))

    def add_snapshot(
        self,
        source: str,
        content: bytes | Path,
        *,
        suffix: str,
        info: Mapping[str, Any] | None = None,
    ) -> Path:
        """Keep a copy of a source document in the generation (a web page as fetched).

        Citations of the source then stay checkable against the text that was read, however
        the original changes later. `KnowledgeBase.snapshot` finds it again.

        Args:
            source: The source name the copy belongs to (its URL for a web page).
            content: The document's bytes, or a file to copy them from.
            suffix: The file suffix its reader needs (".html", ".pdf", ...).
            info: JSON-serialisable facts recorded with it (URL, content type, time).

        Returns:
            The file written.
        """
        self._check_open()
        if not _SNAPSHOT_SUFFIX.match(suffix):
            raise ValueError(f"snapshot suffix {suffix!r} must be like '.html'")
        if source in self._snapshots:
            raise ValueError(f"duplicate snapshot of {source!r} in one store generation")
        key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = f"{SNAPSHOT_DIR}/{key}{suffix}"
        path = self._dir / name
        try:
            path.parent.mkdir(exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
            else:
                path.write_bytes(content)
        except OSError as exc:
            raise StoreError(f"cannot write the store at {self._root}: {exc}") from exc
        self.register_file(name)
        entry = json.loads(json.dumps(dict(info or {})))  # snapshot, and fail early
        self._snapshots[source] = {**entry, "file": name}
        return path

    def commit(self) -> None:
        """Finish the generation, make it live, then remove older generations.

        Raises:
            StoreError: When a registered file is missing or the disk refuses a write; the
                partial generation is then deleted and CURRENT is left as it was.
        """
        self._check_open()
        try:
            manifest = self._finish()
            write_current(self._root, self._name)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, (OSError, sqlite3.Error)):
                raise StoreError(f"cannot write the store at {self._root}: {exc}") from exc
            raise
        self.committed = True
        logger.info("store %s now at %s (%s)", self._root, self._name, manifest["counts"])
        try:
            remove_older_generations(self._root, keep=self._name)
        except OSError as exc:
            logger.warning("could not clean old generations in %s: %s", self._root, exc)

    def abort(self) -> None:
        """Drop the partial generation; a no-op once committed or aborted."""
        if self.committed or self._closed:
            return
        self._closed = True
        try:
            self._conn.close()
        except sqlite3.Error:
            pass
        shutil.rmtree(self._dir, ignore_errors=True)
        logger.info("discarded unfinished store generation %s", self._dir)

    def _finish(self) -> dict[str, Any]:
        conn = self._conn
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sources", "nodes", "edges", "concepts")
        }
        files = dict(conn.execute("SELECT name, sha256 FROM sources ORDER BY name"))
        conn.execute("COMMIT")
        conn.close()
        parts = {}
        for name in sorted({DB_FILE, *self._parts}):
            path = self._dir / name
            if not path.is_file():
                raise StoreError(f"registered store file {name} was never written in {self._dir}")
            parts[name] = sha256_file(path)
            fsync_path(path)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "qagraph_version": qagraph.__version__,
            "created": utc_now_iso(),
            **self._meta,
            **({SNAPSHOTS_KEY: self._snapshots} if self._snapshots else {}),
            "files": files,
            "parts": parts,
            "counts": counts,
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (self._dir / MANIFEST_FILE).write_text(text, encoding="utf-8")
        fsync_path(self._dir / MANIFEST_FILE)
        fsync_path(self._dir)
        return manifest

    def _insert(self, table: str, rows: Iterable[tuple[Any, ...]], what: str) -> None:
        self._check_open()
        marks = ", ".join("?" * len(COLUMNS[table]))
        sql = f"INSERT INTO {table} VALUES ({marks})"
        for row in rows:
            try:
                self._conn.execute(sql, row)
            except sqlite3.IntegrityError:
                raise ValueError(f"duplicate {what} {row[0]!r} in one store generation") from None
            except sqlite3.Error as exc:
                raise StoreError(f"cannot write the store at {self._root}: {exc}") from exc

    def _check_open(self) -> None:
        if self.committed or self._closed:
            raise RuntimeError(f"store writer for {self._dir} is already finished")
