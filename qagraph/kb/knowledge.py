"""`KnowledgeBase`: the in-memory, read-only view of one store generation.

Everything is loaded at open and the SQLite connection is closed, so one instance can be
shared by the threads Gradio runs its handlers in: nothing here mutates after `__init__`,
and every accessor hands out a fresh list.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from qagraph.kb.manifest import (
    COLUMNS,
    DB_FILE,
    OPTIONAL_COLUMNS,
    OPTIONAL_TABLES,
    StoreError,
    load_manifest,
    snapshots_of,
    verify_parts,
)
from qagraph.kb.records import EDGE_KINDS, Concept, Edge, QANode, SourceDoc

logger = logging.getLogger(__name__)


class KnowledgeBase:
    """Sources, question/answer nodes and edges of one generation, held in memory.

    Built by `Store.open()`; tests may build one directly from records.

    Args:
        path: The generation folder (where files such as FAISS indexes live).
        manifest: The generation's manifest.
        sources: Source documents.
        nodes: Question/answer nodes.
        edges: Graph edges, in insertion order.
        concepts: Concepts (none in a store written before concepts existed).
    """

    def __init__(
        self,
        *,
        path: Path,
        manifest: dict[str, Any],
        sources: Iterable[SourceDoc],
        nodes: Iterable[QANode],
        edges: Iterable[Edge],
        concepts: Iterable[Concept] = (),
    ) -> None:
        self._path = Path(path)
        self._manifest = copy.deepcopy(manifest)
        self._sources = sorted(sources, key=lambda s: s.name)
        self._nodes = sorted(nodes, key=lambda n: (n.source, n.line_start, n.id))
        self._by_id = {n.id: n for n in self._nodes}
        self._by_source: dict[str, list[QANode]] = {}
        for node in self._nodes:
            self._by_source.setdefault(node.source, []).append(node)
        self._edges = list(edges)
        self._concepts = sorted(concepts, key=lambda c: c.name)
        self._concept_by_name = {c.name: c for c in self._concepts}

    @property
    def path(self) -> Path:
        """The generation folder."""
        return self._path

    @property
    def manifest(self) -> dict[str, Any]:
        """A copy of the manifest (schema_version, model, files, parts, counts, ...)."""
        return copy.deepcopy(self._manifest)

    def sources(self) -> list[SourceDoc]:
        """All source documents, by name."""
        return list(self._sources)

    def nodes(self, source: str | None = None) -> list[QANode]:
        """Question/answer nodes in (source, line_start) order.

        Args:
            source: Only the nodes of this source file name; all nodes when None.
        """
        if source is None:
            return list(self._nodes)
        return list(self._by_source.get(source, ()))

    def node(self, node_id: str) -> QANode:
        """The node with this id.

        Raises:
            KeyError: When no node has this id.
        """
        try:
            return self._by_id[node_id]
        except KeyError:
            raise KeyError(f"no node {node_id!r} in the knowledge base at {self._path}") from None

    def concepts(self) -> list[Concept]:
        """All concepts, by name."""
        return list(self._concepts)

    def concept(self, name: str) -> Concept:
        """The concept with this canonical name (see `qagraph.kb.graph` for fuzzy lookup).

        Raises:
            KeyError: When no concept has this name.
        """
        try:
            return self._concept_by_name[name]
        except KeyError:
            raise KeyError(f"no concept {name!r} in the knowledge base at {self._path}") from None

    def edges(self, kind: str | None = None) -> list[Edge]:
        """Graph edges in insertion order.

        Args:
            kind: Only edges of this kind (one of `EDGE_KINDS`); all edges when None.

        Raises:
            ValueError: When `kind` is not a known edge kind, which is always a typo.
        """
        if kind is None:
            return list(self._edges)
        if kind not in EDGE_KINDS:
            raise ValueError(f"edge kind {kind!r} is not one of {', '.join(EDGE_KINDS)}")
        return [edge for edge in self._edges if edge.kind == kind]

    def part(self, name: str) -> Path:
        """Path of a file registered in the manifest (e.g. a FAISS index).

        Raises:
            KeyError: When the manifest registers no such file.
        """
        if name not in self._manifest.get("parts", {}):
            raise KeyError(f"no file {name!r} registered in the knowledge base at {self._path}")
        return self._path / name

    def snapshot(self, source: str) -> Path | None:
        """The copy of a source the generation keeps (a web page as fetched), or None."""
        found = snapshots_of(self._path, self._manifest).get(source)
        return found[0] if found else None

    def snapshots(self) -> dict[str, dict[str, Any]]:
        """What the manifest records of each kept copy (URL, content type, fetch time), by
        source name."""
        return {name: info for name, (_, info) in snapshots_of(self._path, self._manifest).items()}

    def verify(self) -> list[str]:
        """Hash every registered file and compare it with the manifest.

        Opening does not hash anything, so call this when integrity matters.

        Returns:
            One line per problem (missing or changed file); empty when all match.
        """
        problems = verify_parts(self._path, self._manifest.get("parts", {}))
        for problem in problems:
            logger.warning("store %s: %s", self._path, problem)
        return problems

    def close(self) -> None:
        """Release resources; the database is already closed after loading, so nothing to do."""

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self._path)!r}, nodes={len(self._nodes)})"


def load_generation(root: Path, generation: str) -> KnowledgeBase:
    """Load one generation of the store at `root` into memory.

    Raises:
        StoreError: When the generation is missing, corrupt, or has a newer schema version.
    """
    manifest = load_manifest(root, generation)
    gen_dir = root / generation
    db = gen_dir / DB_FILE
    if not db.is_file():
        raise StoreError(f"store at {root} is corrupt: {db} is missing")
    # immutable=1: a committed generation never changes, so SQLite may skip locking, which
    # also lets a store on read-only media be read.
    uri = db.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            rows = {
                t: conn.execute(
                    f"SELECT {_select_list(conn, t, cols)} FROM {t} ORDER BY rowid"
                ).fetchall()
                if t in tables or t not in OPTIONAL_TABLES
                else []
                for t, cols in COLUMNS.items()
            }
        finally:
            conn.close()
        sources = [
            SourceDoc(
                name=r[0],
                path=r[1],
                sha256=r[2],
                n_lines=r[3],
                encoding=r[4],
                warnings=tuple(json.loads(r[5])),
            )
            for r in rows["sources"]
        ]
        nodes = [
            QANode(
                id=r[0],
                source=r[1],
                number=r[2],
                section=r[3],
                question=r[4],
                answer=r[5],
                line_start=r[6],
                line_end=r[7],
                answered=bool(r[8]),
                concepts=tuple(json.loads(r[9])),
                location=r[10],
            )
            for r in rows["nodes"]
        ]
        edges = [Edge(src=r[0], dst=r[1], kind=r[2], weight=r[3], data=r[4]) for r in rows["edges"]]
        concepts = [
            Concept(
                name=r[0],
                aliases=tuple(json.loads(r[1])),
                broader=tuple(json.loads(r[2])),
                origin=r[3],
            )
            for r in rows["concepts"]
        ]
    except (sqlite3.Error, ValueError, TypeError) as exc:
        raise StoreError(f"store at {root} is corrupt: cannot read {db}: {exc}") from exc
    loaded = {"sources": len(sources), "nodes": len(nodes), "edges": len(edges)}
    if "concepts" in manifest["counts"]:  # older manifests do not count concepts
        loaded["concepts"] = len(concepts)
    expected = {k: manifest["counts"].get(k) for k in loaded}
    if loaded != expected:
        raise StoreError(
            f"store at {root} is corrupt: database holds {loaded}, manifest says {expected}"
        )
    logger.debug("opened store %s generation %s: %s", root, generation, loaded)
    return KnowledgeBase(
        path=gen_dir,
        manifest=manifest,
        sources=sources,
        nodes=nodes,
        edges=edges,
        concepts=concepts,
    )


def _select_list(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> str:
    """`columns` for a SELECT, with NULL standing in for optional ones the table lacks.

    A store written before a column was added (see `OPTIONAL_COLUMNS`) still opens.
    """
    optional = OPTIONAL_COLUMNS.get(table, frozenset())
    if not optional:
        return ", ".join(columns)
    present = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    return ", ".join(c if c in present or c not in optional else "NULL" for c in columns)
