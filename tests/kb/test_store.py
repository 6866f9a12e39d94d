"""The persisted store: round trips, the manifest, generations and failure handling."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import qagraph
from qagraph.errors import QagraphError
from qagraph.kb import (
    SCHEMA_VERSION,
    Edge,
    QANode,
    SourceDoc,
    Store,
    StoreError,
    default_store_path,
)

ANSWER_MD = """Use a **table**:

| model | params |
|-------|--------|
| MiniLM | 22M |

```python
def f(x):
    return x * 2  # é
```
  trailing spaces kept  \n"""

SOURCES = [
    SourceDoc(name="b.md", path="/data/b.md", sha256="b" * 64, n_lines=40),
    SourceDoc(
        name="a é.txt",
        path="/data/a é.txt",
        sha256="a" * 64,
        n_lines=12,
        encoding="cp1252",
        warnings=("line 3: no answer", "line 9: odd numbering"),
    ),
]
NODES = [
    QANode("qa_3", "b.md", "2", "Models", "What is MiniLM?", ANSWER_MD, 20, 31, True, ("minilm",)),
    QANode("qa_1", "a é.txt", None, None, "Qu'est-ce que l'entropie ? 熵", "", 9, 9, False),
    QANode("qa_2", "b.md", "1", "Basics", "Why 🙂?", "Because.", 3, 5, True, ("a", "b c")),
    QANode("qa_9", "a é.txt", "7", None, "First?", "Yes.\nOn two lines.", 1, 2, True),
]
EDGES = [
    Edge("qa_3", "b.md", "from"),
    Edge(
        "qa_2", "qa_3", "contradicts", 0.25, json.dumps({"evidence_a": "oui", "kind": "négation"})
    ),
    Edge("l1 regularization", "regularization", "broader"),
]


def build(store: Store, sources=SOURCES, nodes=NODES, edges=EDGES, model=None) -> Path:
    with store.writer() as writer:
        writer.add_sources(sources)
        writer.add_nodes(iter(nodes))  # any iterable, generators included
        writer.add_edges(edges)
        writer.set_meta("model", model or {"name": "all-MiniLM-L6-v2", "sha256": "53aa"})
    return writer.path


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    # A space and a non-ASCII letter exercise the read-only SQLite URI quoting.
    return Store(tmp_path / "my store ü")


def test_round_trip_keeps_every_field(store: Store) -> None:
    build(store)
    with store.open() as kb:
        assert kb.sources() == sorted(SOURCES, key=lambda s: s.name)
        assert [n.id for n in kb.nodes()] == ["qa_9", "qa_1", "qa_2", "qa_3"]
        assert [n.id for n in kb.nodes(source="b.md")] == ["qa_2", "qa_3"]
        assert kb.nodes(source="absent.md") == []
        for node in NODES:
            assert kb.node(node.id) == node
        assert kb.node("qa_3").answer == ANSWER_MD
        assert kb.node("qa_1").number is None and kb.node("qa_1").section is None
        assert kb.node("qa_1").answered is False
        assert kb.edges() == EDGES
        [contradiction] = kb.edges(kind="contradicts")
        assert contradiction.weight == 0.25
        assert contradiction.attrs == {"evidence_a": "oui", "kind": "négation"}
        assert kb.edges(kind="mentions") == []


def test_lookup_errors_name_the_problem(store: Store) -> None:
    build(store)
    kb = store.open()
    with pytest.raises(KeyError, match="qa_missing"):
        kb.node("qa_missing")
    with pytest.raises(ValueError, match="mention"):
        kb.edges(kind="mention")


def test_empty_generation_round_trips(store: Store) -> None:
    build(store, sources=[], nodes=[], edges=[])
    kb = store.open()
    assert (kb.sources(), kb.nodes(), kb.edges()) == ([], [], [])
    assert kb.manifest["counts"] == {"sources": 0, "nodes": 0, "edges": 0, "concepts": 0}


def test_manifest_fields_and_layout(store: Store) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    with store.writer() as writer:
        writer.add_sources(SOURCES)
        writer.add_nodes(NODES)
        writer.add_edges(EDGES)
        writer.set_meta("model", {"name": "m", "sha256": "53aa"})
        writer.set_meta("chunking", {"max_tokens": 256})
    kb = store.open()
    manifest = kb.manifest
    assert manifest["schema_version"] == SCHEMA_VERSION == 1
    assert manifest["qagraph_version"] == qagraph.__version__
    created = datetime.fromisoformat(manifest["created"])
    assert created.tzinfo is not None and before <= created <= before + timedelta(minutes=1)
    assert manifest["model"] == {"name": "m", "sha256": "53aa"}
    assert manifest["chunking"] == {"max_tokens": 256}
    assert manifest["files"] == {"a é.txt": "a" * 64, "b.md": "b" * 64}
    db_sha = hashlib.sha256((kb.path / "store.sqlite").read_bytes()).hexdigest()
    assert manifest["parts"] == {"store.sqlite": db_sha}
    assert manifest["counts"] == {"sources": 2, "nodes": 4, "edges": 3, "concepts": 0}
    on_disk = json.loads((kb.path / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert (store.path / "CURRENT").read_text().strip() == kb.path.name == writer.path.name
    assert re.fullmatch(r"gen-\d{8}T\d{12}Z-[0-9a-f]{8}", kb.path.name)
    manifest["model"]["name"] = "changed"
    assert kb.manifest["model"]["name"] == "m"  # callers get a copy


def test_rewrite_replaces_generation_and_keeps_cache(store: Store) -> None:
    first = build(store)
    cache = store.path / "cache" / "embeddings.npy"
    cache.parent.mkdir()
    cache.write_bytes(b"cached")
    old_kb = store.open()
    second = build(store, nodes=NODES[:1], edges=[])
    assert first != second and not first.exists()
    assert generations(store.path) == [second.name]
    assert cache.read_bytes() == b"cached"
    assert [n.id for n in store.open().nodes()] == ["qa_3"]
    assert len(old_kb.nodes()) == 4  # an open view lives in memory, unaffected by the swap


def test_exception_in_writer_leaves_previous_store_intact(store: Store) -> None:
    first = build(store)
    current = (store.path / "CURRENT").read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        with store.writer() as writer:
            writer.add_nodes(NODES[:1])
            partial = writer.path
            assert partial.is_dir()
            raise RuntimeError("boom")
    assert not partial.exists()
    assert (store.path / "CURRENT").read_bytes() == current
    assert generations(store.path) == [first.name]
    kb = store.open()
    assert len(kb.nodes()) == 4 and kb.verify() == []


def test_exception_before_first_commit_leaves_no_store(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt):
        with store.writer() as writer:
            writer.add_sources(SOURCES)
            raise KeyboardInterrupt
    assert not store.exists
    assert generations(store.path) == []
    with pytest.raises(StoreError, match="no qagraph store"):
        store.open()


def test_crashed_writer_folder_is_removed_by_next_commit(store: Store) -> None:
    first = build(store)
    crash = (
        "import os, sys\n"
        "from qagraph.kb import Store, SourceDoc\n"
        "ctx = Store(sys.argv[1]).writer()\n"
        "w = ctx.__enter__()\n"
        "w.add_sources([SourceDoc('x', '/x', 'f' * 64, 1)])\n"
        "os._exit(3)\n"
    )
    # The child must import this checkout even when qagraph is not installed.
    env = {**os.environ, "PYTHONPATH": str(Path(qagraph.__file__).parents[1])}
    cmd = [sys.executable, "-c", crash, str(store.path)]
    result = subprocess.run(cmd, env=env, check=False)
    assert result.returncode == 3
    leftovers = [g for g in generations(store.path) if g != first.name]
    assert len(leftovers) == 1
    assert len(store.open().nodes()) == 4  # the crash did not disturb readers
    second = build(store)
    assert generations(store.path) == [second.name]


def test_newer_generation_of_a_running_writer_is_left_alone(store: Store) -> None:
    in_progress = store.path / "gen-99991231T235959999999Z-0123abcd"
    in_progress.mkdir(parents=True)
    current = build(store)
    assert generations(store.path) == [current.name, in_progress.name]


def test_missing_store_raises_clear_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "nowhere")
    assert not store.exists
    with pytest.raises(StoreError, match=r"no qagraph store at .*nowhere") as info:
        store.open()
    assert isinstance(info.value, QagraphError)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("current", "message"),
    [("../../etc", "CURRENT holds"), ("gen-20240101T000000000000Z-00000000", "does not exist")],
)
def test_bad_current_pointer_is_corrupt(store: Store, current: str, message: str) -> None:
    build(store)
    (store.path / "CURRENT").write_text(current + "\n")
    assert not store.exists
    with pytest.raises(StoreError, match=message):
        store.open()


def test_newer_schema_version_is_refused(store: Store) -> None:
    path = build(store) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert store.exists
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}.*upgrade"):
        store.open()


@pytest.mark.parametrize("damage", ["garbage", "counts", "no_manifest"])
def test_damaged_generation_is_corrupt(store: Store, damage: str) -> None:
    path = build(store) / "manifest.json"
    if damage == "garbage":
        path.write_text("{not json", encoding="utf-8")
    elif damage == "counts":
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["counts"]["nodes"] = 99
        path.write_text(json.dumps(manifest), encoding="utf-8")
    else:
        path.unlink()
    with pytest.raises(StoreError, match="corrupt"):
        store.open()


def test_registered_files_are_checksummed_and_verified(store: Store) -> None:
    with store.writer() as writer:
        writer.add_nodes(NODES)
        (writer.path / "vectors.bin").write_bytes(b"\x00\x01" * 1000)
        (writer.path / "faiss").mkdir()
        (writer.path / "faiss" / "questions.index").write_bytes(b"index")
        writer.register_file("vectors.bin")
        writer.register_file("faiss/questions.index")
    kb = store.open()
    parts = kb.manifest["parts"]
    assert parts["faiss/questions.index"] == hashlib.sha256(b"index").hexdigest()
    assert set(parts) == {"store.sqlite", "vectors.bin", "faiss/questions.index"}
    assert kb.verify() == []
    assert kb.part("vectors.bin").read_bytes() == b"\x00\x01" * 1000
    with pytest.raises(KeyError, match="other.bin"):
        kb.part("other.bin")
    kb.part("vectors.bin").write_bytes(b"tampered")
    kb.part("faiss/questions.index").unlink()
    assert len(store.open().nodes()) == 4  # opening does not hash parts
    problems = kb.verify()
    assert problems == [
        "faiss/questions.index: missing",
        f"vectors.bin: sha256 {hashlib.sha256(b'tampered').hexdigest()} does not match "
        f"manifest {parts['vectors.bin']}",
    ]


def test_registered_file_never_written_fails_commit(store: Store) -> None:
    first = build(store)
    with pytest.raises(StoreError, match="faiss.index was never written"):
        with store.writer() as writer:
            writer.register_file("faiss.index")
    assert not writer.path.exists()
    assert generations(store.path) == [first.name]
    assert len(store.open().nodes()) == 4


def test_writer_rejects_misuse(store: Store) -> None:
    with store.writer() as writer:
        for bad in ("/abs", "../up", "a/../../b", "", "manifest.json", "store.sqlite", "a\\b"):
            with pytest.raises(ValueError):
                writer.register_file(bad)
        with pytest.raises(ValueError, match="filled by the store"):
            writer.set_meta("counts", {})
        with pytest.raises(TypeError):
            writer.set_meta("bad", object())
        with pytest.raises(ValueError, match="duplicate node id 'qa_9'"):
            writer.add_nodes([NODES[3], NODES[3]])
        writer.commit()  # explicit commit; the with-block must not commit twice
        with pytest.raises(RuntimeError, match="already finished"):
            writer.add_nodes(NODES)
    assert [n.id for n in store.open().nodes()] == ["qa_9"]


def test_knowledge_base_reads_from_many_threads(store: Store) -> None:
    build(store)
    kb = store.open()
    results: list[list[str]] = []

    def read() -> None:
        for _ in range(50):
            results.append([n.id for n in kb.nodes()] + [kb.node("qa_2").question])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 400
    assert all(r == ["qa_9", "qa_1", "qa_2", "qa_3", "Why 🙂?"] for r in results)


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("QAGRAPH_STORE", str(tmp_path / "explicit"))
    assert default_store_path() == tmp_path / "explicit"
    monkeypatch.setenv("QAGRAPH_STORE", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "qagraph" / "store"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_store_path() == tmp_path / ".local" / "share" / "qagraph" / "store"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("QAGRAPH_STORE")
    assert default_store_path() == tmp_path / ".local" / "share" / "qagraph" / "store"
