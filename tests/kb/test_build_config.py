"""The store's record of how it was built: `BuildConfig` in the manifest's "build" object."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from qagraph.kb import Store, StoreError
from qagraph.kb.manifest import BuildConfig, GlossaryRecord

GLOSSARY = '{"concepts": [{"name": "frobnication", "aliases": ["frob", "frøb"]}]}\n'
BUILD = BuildConfig(
    model="hashing",
    glossaries=(
        GlossaryRecord.from_text("/data/g é.json", GLOSSARY),
        GlossaryRecord.from_text("/data/more.json", "[]"),
    ),
    builtin_glossary=False,
    concepts={"min_nodes": 3, "cover_all_nodes": False, "typo_ratio": 90.0},
    links={"near_duplicate": 0.95},
    related={"per_concept": 4},
)


def write(store: Store, build: BuildConfig | None = BUILD, model: str | None = "hashing") -> Path:
    with store.writer() as writer:
        writer.set_meta("model", {"name": model, "sha256": None} if model else {})
        if build is not None:
            writer.set_build_config(build)
    return writer.path / "manifest.json"


def test_json_round_trip_keeps_every_field() -> None:
    data = json.loads(json.dumps(BUILD.to_json(), ensure_ascii=False))
    again = BuildConfig.from_json(data)
    assert again == BUILD and again.recorded
    assert again.glossaries[0].content == GLOSSARY
    assert again.glossaries[0].name == "g é.json"
    assert set(data) == {"model", "builtin_glossary", "glossaries", "concepts", "links", "related"}


def test_store_saves_and_loads_the_build_config(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    manifest = json.loads(write(store).read_text(encoding="utf-8"))
    assert manifest["build"]["glossaries"][0] == {
        "path": "/data/g é.json",
        "sha256": BUILD.glossaries[0].sha256,
        "content": GLOSSARY,
    }
    assert store.build_config() == BUILD
    with store.open() as kb:
        assert BuildConfig.from_manifest(kb.manifest) == BUILD


def test_a_store_from_before_build_records_reads_as_defaults(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    write(store, build=None, model="hashing")
    build = store.build_config()
    assert not build.recorded
    assert build == BuildConfig(model="hashing")
    assert build.glossaries == () and build.builtin_glossary and build.concepts == {}
    write(store, build=None, model=None)
    assert store.build_config().model is None


def test_glossary_hash_is_of_the_file_bytes(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text(GLOSSARY, encoding="utf-8")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert GlossaryRecord.from_text(path, GLOSSARY).sha256 == expected
    assert GlossaryRecord.from_text("C:\\Users\\me\\g.json", "[]").name == "g.json"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b["glossaries"][0].update(content="[]"),  # no longer matches its sha256
        lambda b: b.update(builtin_glossary="yes"),
        lambda b: b.update(glossaries={"path": "x"}),
        lambda b: b["concepts"].update(min_nodes={"nested": 1}),
        lambda b: b.update(model=""),
    ],
)
def test_a_damaged_build_record_is_a_store_error(tmp_path: Path, damage) -> None:
    store = Store(tmp_path / "store")
    path = write(store)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    damage(manifest["build"])
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoreError, match="manifest is corrupt"):
        store.build_config()


def test_unknown_keys_are_ignored_and_missing_ones_default() -> None:
    build = BuildConfig.from_json({"model": "m", "future": {"x": 1}})
    assert build == BuildConfig(model="m")


def test_build_is_written_only_through_set_build_config(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="filled by the store"):
        with Store(tmp_path / "store").writer() as writer:
            writer.set_meta("build", {})


def test_missing_store_has_no_build_config(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no qagraph store"):
        Store(tmp_path / "nothing").build_config()
