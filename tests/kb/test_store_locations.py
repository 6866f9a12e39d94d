"""Node locations (PDF pages, notebook cells, Word paragraphs) and kept copies of sources
(web pages) survive the store, and stores written before them still open."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from qagraph.kb import QANode, SourceDoc, Store, StoreError
from qagraph.kb.manifest import DB_FILE, MANIFEST_FILE, read_current

SOURCES = [
    SourceDoc(name="faq.pdf", path="/data/faq.pdf", sha256="a" * 64, n_lines=90),
    SourceDoc(name="notes.md", path="/data/notes.md", sha256="b" * 64, n_lines=20),
    SourceDoc(name="https://ex.org/faq", path="https://ex.org/faq", sha256="c" * 64, n_lines=9),
]
NODES = [
    QANode(
        "qa_1", "faq.pdf", "3", None, "What is AUC?", "Area.", 40, 47, True, (), "p. 3, lines 2-9"
    ),
    QANode(
        "qa_2",
        "faq.pdf",
        "4",
        None,
        "Why?",
        "Because.",
        80,
        84,
        True,
        (),
        "p. 3, line 40 - p. 4, line 2",
    ),
    QANode("qa_3", "notes.md", None, None, "What is PCA?", "Projection.", 3, 5, True, ("pca",)),
    QANode("qa_4", "https://ex.org/faq", None, None, "What is ROC?", "A curve.", 4, 6, True),
]


def build(store: Store, snapshot: bytes | None = b"<p>page</p>") -> Path:
    with store.writer() as writer:
        writer.add_sources(SOURCES)
        writer.add_nodes(NODES)
        writer.add_edges([])
        if snapshot is not None:
            info = {"url": "https://ex.org/faq", "content_type": "text/html", "fetched": "now"}
            writer.add_snapshot("https://ex.org/faq", snapshot, suffix=".html", info=info)
    return writer.path


def test_locations_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    build(store)
    with store.open() as kb:
        for node in NODES:
            assert kb.node(node.id) == node
        assert kb.node("qa_1").location == "p. 3, lines 2-9"
        assert kb.node("qa_3").location is None


def test_location_in_json_round_trip() -> None:
    node = NODES[1]
    data = node.to_json()
    assert data["location"] == "p. 3, line 40 - p. 4, line 2"
    assert QANode.from_json(data) == node
    del data["location"]  # JSON written before locations existed
    assert QANode.from_json(data).location is None
    assert NODES[2].to_json()["location"] is None


def test_a_store_without_the_location_column_still_opens(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    gen = build(store, snapshot=None)
    # The schema as it was before locations: the same table without the column.
    conn = sqlite3.connect(gen / DB_FILE)
    conn.execute("ALTER TABLE nodes DROP COLUMN location")
    conn.commit()
    conn.close()
    columns = {r[1] for r in sqlite3.connect(gen / DB_FILE).execute("PRAGMA table_info(nodes)")}
    assert "location" not in columns
    with store.open() as kb:
        assert len(kb.nodes()) == len(NODES)
        assert all(n.location is None for n in kb.nodes())
        assert kb.node("qa_3").concepts == ("pca",)


def test_snapshots_are_kept_registered_and_found(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert store.snapshots() == {}  # no store yet
    gen = build(store)
    with store.open() as kb:
        path = kb.snapshot("https://ex.org/faq")
        assert path is not None and path.parent == gen / "snapshots" and path.suffix == ".html"
        assert path.read_bytes() == b"<p>page</p>"
        assert kb.snapshot("faq.pdf") is None
        info = kb.snapshots()["https://ex.org/faq"]
        assert info["content_type"] == "text/html" and info["file"].startswith("snapshots/")
        part = info["file"]
        assert kb.manifest["parts"][part] == hashlib.sha256(b"<p>page</p>").hexdigest()
        assert kb.verify() == []
    found = store.snapshots()
    assert list(found) == ["https://ex.org/faq"] and found["https://ex.org/faq"][0] == path


def test_a_snapshot_can_be_copied_from_a_file_and_is_checked(tmp_path: Path) -> None:
    source = tmp_path / "page.pdf"
    source.write_bytes(b"%PDF-1.4 fake")
    store = Store(tmp_path / "store")
    with store.writer() as writer:
        writer.add_snapshot("https://ex.org/a.pdf", source, suffix=".pdf")
        with pytest.raises(ValueError, match="duplicate snapshot"):
            writer.add_snapshot("https://ex.org/a.pdf", b"x", suffix=".pdf")
        with pytest.raises(ValueError, match="suffix"):
            writer.add_snapshot("https://ex.org/b", b"x", suffix="/../x")
    with store.open() as kb:
        assert kb.snapshot("https://ex.org/a.pdf").read_bytes() == b"%PDF-1.4 fake"


def test_a_snapshot_the_manifest_does_not_register_is_ignored(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    gen = build(store)
    manifest_path = gen / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["snapshots"]["https://ex.org/x"] = {"file": "../../etc/passwd"}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with store.open() as kb:
        assert kb.snapshot("https://ex.org/x") is None
        assert kb.snapshot("https://ex.org/faq") is not None


def test_snapshot_key_is_reserved(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    with store.writer() as writer, pytest.raises(ValueError, match="filled by the store"):
        writer.set_meta("snapshots", {})
    assert read_current(store.path)  # the writer still committed an empty generation
    with pytest.raises(StoreError):
        Store(tmp_path / "nothing").open()
