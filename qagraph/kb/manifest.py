"""On-disk layout of a store: generations, the CURRENT pointer, manifest and SQLite schema.

A store folder looks like this::

    DIR/CURRENT                 one line: the name of the live generation folder
    DIR/gen-<timestamp>-<hex>/  store.sqlite, manifest.json and files other stages add
                                (snapshots/: the web pages ingested by URL, as fetched)
    DIR/cache/                  caches that outlive generations (never touched here)

The manifest's "build" object records how the generation was built (`BuildConfig`), so a
later ingest into the same store can build it the same way.

Generation names start with a UTC timestamp, so sorting them by name sorts them by age;
cleanup relies on that to leave alone generations started after the one being committed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from qagraph.errors import QagraphError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
DB_FILE = "store.sqlite"
CACHE_DIR = "cache"
BUILD_KEY = "build"
# Documents kept in the generation as they were read (web pages fetched by URL): files
# under SNAPSHOT_DIR, listed in the manifest under SNAPSHOTS_KEY by source name.
SNAPSHOTS_KEY = "snapshots"
SNAPSHOT_DIR = "snapshots"

GEN_PREFIX = "gen-"
_GEN_RE = re.compile(r"^gen-\d{8}T\d{12}Z-[0-9a-f]{8}$")
_TMP_RE = re.compile(r"^\.CURRENT-(gen-.+)\.tmp$")
_HASH_CHUNK = 1 << 20

# One row per record; list fields (warnings, concepts) are JSON text. Edges keep insertion
# order through rowid.
SCHEMA_SQL = f"""
PRAGMA user_version = {SCHEMA_VERSION};
CREATE TABLE sources (
    name TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
    n_lines INTEGER NOT NULL, encoding TEXT NOT NULL, warnings TEXT NOT NULL
);
CREATE TABLE nodes (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, number TEXT, section TEXT,
    question TEXT NOT NULL, answer TEXT NOT NULL, line_start INTEGER NOT NULL,
    line_end INTEGER NOT NULL, answered INTEGER NOT NULL, concepts TEXT NOT NULL,
    location TEXT
);
CREATE INDEX nodes_source ON nodes (source, line_start);
CREATE TABLE edges (
    src TEXT NOT NULL, dst TEXT NOT NULL, kind TEXT NOT NULL,
    weight REAL NOT NULL, data TEXT NOT NULL
);
CREATE INDEX edges_src ON edges (src);
CREATE INDEX edges_dst ON edges (dst);
CREATE INDEX edges_kind ON edges (kind);
CREATE TABLE concepts (
    name TEXT PRIMARY KEY, aliases TEXT NOT NULL, broader TEXT NOT NULL, origin TEXT NOT NULL
);
"""
COLUMNS = {
    "sources": ("name", "path", "sha256", "n_lines", "encoding", "warnings"),
    "nodes": (
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
    ),
    "edges": ("src", "dst", "kind", "weight", "data"),
    "concepts": ("name", "aliases", "broader", "origin"),
}
# Tables added after schema version 1 shipped: a store written before them lacks them and
# reads as having none of their records.
OPTIONAL_TABLES = frozenset({"concepts"})
# Columns added after schema version 1 shipped (all nullable): a store written before them
# lacks them and reads them as NULL.
OPTIONAL_COLUMNS = {"nodes": frozenset({"location"})}


class StoreError(QagraphError):
    """The store is missing, corrupt, or written by a newer qagraph."""


_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True)
class GlossaryRecord:
    """One glossary file a store was built with, kept whole so a rebuild needs no file.

    Attributes:
        path: The file's absolute path at build time.
        sha256: Hex sha256 of the file's bytes (its UTF-8 text).
        content: The file's text.
    """

    path: str
    sha256: str
    content: str

    @classmethod
    def from_text(cls, path: str | Path, content: str) -> GlossaryRecord:
        """A record of `content`, read from `path`, with its hash computed."""
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        return cls(str(path), digest, content)

    @property
    def name(self) -> str:
        """The file name, without its folder."""
        windows = PureWindowsPath(self.path)
        path: PurePath = windows if windows.drive else PurePosixPath(self.path)
        return path.name or self.path

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "content": self.content}


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """How a store generation was built: what a later ingest reuses to build it the same way.

    Plain data: the ingest pipeline turns it into its own settings and back. A store
    written before build settings were recorded reads as the defaults with the model its
    manifest names (`recorded` is then False).

    Attributes:
        model: Name of the embedding model; None for the default model.
        glossaries: The user glossary files, in the order they were given.
        builtin_glossary: Whether the built-in glossary was used.
        concepts: Concept-extraction settings by field name (glossary settings excepted).
        links: Same-question link settings by field name.
        related: Related-concept link settings by field name.
        recorded: False when the manifest holds no build record (an older store).
    """

    model: str | None = None
    glossaries: tuple[GlossaryRecord, ...] = ()
    builtin_glossary: bool = True
    concepts: Mapping[str, Any] = field(default_factory=dict, hash=False)
    links: Mapping[str, Any] = field(default_factory=dict, hash=False)
    related: Mapping[str, Any] = field(default_factory=dict, hash=False)
    recorded: bool = field(default=True, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The manifest's "build" object."""
        return {
            "model": self.model,
            "builtin_glossary": self.builtin_glossary,
            "glossaries": [g.to_json() for g in self.glossaries],
            "concepts": dict(self.concepts),
            "links": dict(self.links),
            "related": dict(self.related),
        }

    @classmethod
    def from_json(cls, data: Any) -> BuildConfig:
        """Read a "build" object; unknown keys are ignored, missing ones take defaults.

        Raises:
            ValueError: When a field has the wrong type or a glossary copy does not match
                its recorded hash.
        """
        if not isinstance(data, dict):
            raise ValueError("'build' is not a JSON object")
        model = data.get("model")
        if model is not None and (not isinstance(model, str) or not model.strip()):
            raise ValueError(f"'build.model' must be a model name, not {model!r}")
        builtin = data.get("builtin_glossary", True)
        if not isinstance(builtin, bool):
            raise ValueError(f"'build.builtin_glossary' must be true or false, not {builtin!r}")
        items = data.get("glossaries", [])
        if not isinstance(items, list):
            raise ValueError("'build.glossaries' must be a list")
        glossaries = tuple(_glossary_record(item, i) for i, item in enumerate(items, 1))
        settings = {k: _settings(data.get(k, {}), k) for k in ("concepts", "links", "related")}
        return cls(model, glossaries, builtin, **settings)

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> BuildConfig:
        """The build settings a manifest records, or defaults plus its model for an older one.

        This is the one place that says which model a store was embedded with.

        Raises:
            StoreError: When the manifest's "build" object is malformed.
        """
        data = manifest.get(BUILD_KEY)
        if data is None:
            model = manifest.get("model")
            name = model.get("name") if isinstance(model, dict) else None
            name = name if isinstance(name, str) and name.strip() else None
            return cls(model=name, recorded=False)
        try:
            return cls.from_json(data)
        except ValueError as exc:
            raise StoreError(f"store manifest is corrupt: {exc}") from exc


def _glossary_record(item: Any, number: int) -> GlossaryRecord:
    what = f"'build.glossaries' entry {number}"
    if not isinstance(item, dict) or not all(
        isinstance(item.get(k), str) for k in ("path", "sha256", "content")
    ):
        raise ValueError(f"{what} needs the strings 'path', 'sha256' and 'content'")
    try:
        record = GlossaryRecord.from_text(item["path"], item["content"])
    except UnicodeEncodeError:
        raise ValueError(f"{what}: its content is not valid text") from None
    if record.sha256 != item["sha256"].lower():
        raise ValueError(f"{what} ({record.name}): its content does not match its sha256")
    return record


def _settings(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"'build.{key}' must be a JSON object")
    for name, item in value.items():
        if not isinstance(item, _SCALARS) and not (
            isinstance(item, list) and all(isinstance(v, _SCALARS) for v in item)
        ):
            raise ValueError(f"'build.{key}.{name}' must be a number, string or flag")
    return dict(value)


def default_store_path() -> Path:
    """Where the store lives when the caller names none.

    In order: `$QAGRAPH_STORE` if set and non-empty; else `$XDG_DATA_HOME/qagraph/store`
    if `XDG_DATA_HOME` is an absolute path (the XDG spec says to ignore relative ones);
    else `~/.local/share/qagraph/store`.
    """
    explicit = os.environ.get("QAGRAPH_STORE", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "qagraph" / "store"


def new_generation_name() -> str:
    """A fresh generation folder name: `gen-<UTC timestamp, microseconds>-<8 hex>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{GEN_PREFIX}{stamp}-{secrets.token_hex(4)}"


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601 with a `Z` suffix, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks so large FAISS files stay cheap."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_path(path: Path) -> None:
    """Flush a file or folder to disk; best effort, as some platforms refuse folder fsync."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_current(root: Path) -> str:
    """Name of the live generation, validated so it cannot point outside the store.

    Raises:
        StoreError: When there is no store at `root` or CURRENT is unreadable or malformed.
    """
    current = root / CURRENT_FILE
    try:
        name = current.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise StoreError(
            f"no qagraph store at {root} (no {CURRENT_FILE} file); build one with `qagraph ingest`"
        ) from None
    except NotADirectoryError:
        raise StoreError(f"the store {root} is a file, not a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {current}: {exc}") from exc
    if not _GEN_RE.match(name):
        raise StoreError(f"store at {root} is corrupt: {CURRENT_FILE} holds {name[:80]!r}")
    return name


def write_current(root: Path, generation: str) -> None:
    """Point CURRENT at `generation` atomically: readers see the old name or the new one."""
    tmp = root / f".CURRENT-{generation}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(generation + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / CURRENT_FILE)
    fsync_path(root)


def load_manifest(root: Path, generation: str) -> dict[str, Any]:
    """Read and check the manifest of one generation.

    Raises:
        StoreError: When the manifest is missing, malformed, or has a newer schema version.
    """
    gen_dir = root / generation
    path = gen_dir / MANIFEST_FILE
    if not gen_dir.is_dir():
        raise StoreError(f"store at {root} is corrupt: generation {generation} does not exist")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"store at {root} is corrupt: {path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"store at {root} is corrupt: cannot read {path}: {exc}") from exc
    if not isinstance(manifest, dict):
        raise StoreError(f"store at {root} is corrupt: {path} is not a JSON object")
    version = manifest.get("schema_version")
    if type(version) is not int or version < 1:
        raise StoreError(f"store at {root} is corrupt: bad schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"store at {root} has schema version {version}, newer than the {SCHEMA_VERSION} "
            "this qagraph reads; upgrade qagraph or rebuild the store"
        )
    for key in ("files", "parts", "counts"):
        if not isinstance(manifest.get(key), dict):
            raise StoreError(f"store at {root} is corrupt: manifest has no {key!r} object")
    return manifest


def snapshots_of(
    gen_dir: Path, manifest: Mapping[str, Any]
) -> dict[str, tuple[Path, dict[str, Any]]]:
    """The kept copies a generation's manifest lists (whose files it registers): by source
    name, the file and what the manifest records about it."""
    entries = manifest.get(SNAPSHOTS_KEY)
    parts = manifest.get("parts", {})
    if not isinstance(entries, dict):
        return {}
    return {
        name: (gen_dir / entry["file"], dict(entry))
        for name, entry in entries.items()
        if isinstance(entry, dict) and entry.get("file") in parts
    }


def verify_parts(gen_dir: Path, parts: dict[str, str]) -> list[str]:
    """Compare every registered part with its recorded sha256.

    Returns:
        One human-readable line per problem (missing or changed file); empty when all match.
    """
    problems = []
    for name, expected in sorted(parts.items()):
        path = gen_dir / name
        try:
            actual = sha256_file(path)
        except FileNotFoundError:
            problems.append(f"{name}: missing")
            continue
        except OSError as exc:
            problems.append(f"{name}: unreadable ({exc})")
            continue
        if actual != expected:
            problems.append(f"{name}: sha256 {actual} does not match manifest {expected}")
    return problems


def remove_older_generations(root: Path, keep: str) -> None:
    """Delete generations (and stray CURRENT temp files) older than `keep`; best effort.

    Newer ones may belong to a writer still at work, so they stay; if they were left by a
    crash, the next commit after them removes them.
    """
    for entry in root.iterdir():
        tmp = _TMP_RE.match(entry.name)
        if tmp and tmp.group(1) < keep:
            entry.unlink(missing_ok=True)
        elif entry.name.startswith(GEN_PREFIX) and entry.name < keep and entry.is_dir():
            try:
                shutil.rmtree(entry)
            except OSError as exc:
                # Another process may still hold a file open (Windows); next commit retries.
                logger.warning("could not remove old generation %s: %s", entry, exc)
            else:
                logger.debug("removed old generation %s", entry)
