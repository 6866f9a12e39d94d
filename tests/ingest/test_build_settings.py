"""A store remembers how it was built: re-ingests, --add and uploads reuse its settings.

The case from the issue: `ingest a.md --glossary g.json` makes "frobnication" with the alias
"frob"; a later `ingest b.md --add` (or an upload in the app) used to rebuild the graph
with the default glossary, and "frob" became a concept of its own.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest.concepts import ConceptConfig, GlossaryError
from qagraph.ingest.graph import GraphConfig
from qagraph.ingest.links import LinkConfig
from qagraph.ingest.pipeline import IngestConfig, ingest, resolve_build_config
from qagraph.kb import Store
from qagraph.kb.manifest import BuildConfig

A = """Q: What is frobnication?
Frobnication is the act of tweaking a frob until it works. Frobnication matters.

Q: Why frob the widget?
To frob the widget makes frobnication faster and the frob better.
"""
B = """Q: How do you frob a gizmo?
You frob it gently; frobnication of a gizmo takes a frob and patience.

Q: When is frobnication done?
Frobnication is done when the frob stops wobbling.
"""
GLOSSARY = {"concepts": [{"name": "frobnication", "aliases": ["frob"]}]}
QUIET = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))


@pytest.fixture(autouse=True)
def no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The store's model must come from the store, not from the environment.
    monkeypatch.delenv("QAGRAPH_MODEL", raising=False)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "a.md").write_text(A, encoding="utf-8")
    (tmp_path / "b.md").write_text(B, encoding="utf-8")
    (tmp_path / "g.json").write_text(json.dumps(GLOSSARY), encoding="utf-8")
    return tmp_path


def cli(*argv: str | Path) -> int:
    return main(["ingest", *map(str, argv), "--no-progress"])


def concepts(store: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    with Store(store).open() as kb:
        return {c.name: (c.origin, c.aliases) for c in kb.concepts()}


def assert_frob_is_an_alias(store: Path) -> None:
    found = concepts(store)
    assert found["frobnication"] == ("glossary", ("frob",))
    assert "frob" not in found


def first_build(work: Path, capsys) -> Path:
    store = work / "store"
    assert (
        cli(work / "a.md", "--glossary", work / "g.json", "--model", "hashing", "--store", store)
        == 0
    )
    assert_frob_is_an_alias(store)
    capsys.readouterr()
    return store


def test_add_reuses_the_glossary_and_model_of_the_store(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    build = Store(store).build_config()
    assert build.model == "hashing" and build.builtin_glossary
    [record] = build.glossaries
    assert record.path == str(work / "g.json") and Path(record.path).is_absolute()
    assert record.content == (work / "g.json").read_text(encoding="utf-8")

    assert cli(work / "b.md", "--add", "--store", store) == 0
    err = capsys.readouterr().err
    assert err == "qagraph: using the store's glossary g.json (1 file) and model hashing\n"
    assert_frob_is_an_alias(store)
    with Store(store).open() as kb:
        assert sorted(s.name for s in kb.sources()) == ["a.md", "b.md"]
    assert Store(store).build_config() == build  # and recorded again


def test_a_full_reingest_reuses_them_too(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    assert cli(work / "b.md", "--store", store) == 0
    assert "using the store's glossary g.json" in capsys.readouterr().err
    assert_frob_is_an_alias(store)


def test_without_the_record_frob_splits_off(work: Path, capsys) -> None:
    # The bug, kept reproducible: the default glossary makes "frob" a concept of its own.
    store = first_build(work, capsys)
    assert (
        cli(work / "b.md", "--add", "--reset-settings", "--model", "hashing", "--store", store) == 0
    )
    assert capsys.readouterr().err == ""
    found = concepts(store)
    assert found["frob"][0] == "extracted" and found["frobnication"][0] == "extracted"
    assert Store(store).build_config().glossaries == ()


def test_explicit_settings_win_and_are_stored(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    other = work / "other.json"
    other.write_text(json.dumps({"concepts": [{"name": "gizmo"}]}), encoding="utf-8")
    assert (
        cli(work / "b.md", "--add", "--glossary", other, "--no-default-glossary", "--store", store)
        == 0
    )
    build = Store(store).build_config()
    assert [g.path for g in build.glossaries] == [str(other)]
    assert not build.builtin_glossary and build.model == "hashing"
    assert concepts(store)["gizmo"][0] == "glossary"
    capsys.readouterr()

    assert cli(work / "a.md", "--add", "--store", store) == 0
    assert capsys.readouterr().err == (
        "qagraph: using the store's glossary other.json (1 file) and model hashing, "
        "without the built-in glossary\n"
    )
    assert not Store(store).build_config().builtin_glossary

    assert cli(work / "a.md", "--add", "--default-glossary", "--store", store) == 0
    assert Store(store).build_config().builtin_glossary


def test_an_explicit_model_wins_over_the_stores(work: Path, capsys, monkeypatch) -> None:
    from qagraph.encoders import registry

    # A second fast model: the hashing fake under another name.
    monkeypatch.setitem(registry.BACKENDS, "other-model", registry.BACKENDS["hashing"])
    store = first_build(work, capsys)
    assert cli(work / "b.md", "--add", "--model", "other-model", "--store", store) == 0
    # The explicit model is no reuse; the glossary still is.
    assert capsys.readouterr().err == "qagraph: using the store's glossary g.json (1 file)\n"
    assert Store(store).build_config().model == "other-model"
    with Store(store).open() as kb:
        assert kb.manifest["model"]["name"] == "other-model"
    monkeypatch.setenv("QAGRAPH_MODEL", "hashing")  # the store's model beats the env's
    assert cli(work / "b.md", "--add", "--store", store) == 0
    assert "and model other-model" in capsys.readouterr().err
    assert Store(store).build_config().model == "other-model"


def test_a_changed_glossary_is_used_with_its_new_content(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    changed = {"concepts": [{"name": "frobnication", "aliases": ["frob", "frobbing"]}]}
    (work / "g.json").write_text(json.dumps(changed), encoding="utf-8")
    assert cli(work / "b.md", "--add", "--store", store) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "qagraph: using the store's glossary g.json (1 file) and model hashing",
        f"qagraph: glossary g.json changed since the store was built; using its new content "
        f"({work / 'g.json'})",
    ]
    assert concepts(store)["frobnication"] == ("glossary", ("frob", "frobbing"))
    [record] = Store(store).build_config().glossaries
    assert json.loads(record.content) == changed
    assert cli(work / "b.md", "--add", "--store", store) == 0
    assert "changed" not in capsys.readouterr().err  # said once


def test_a_moved_glossary_is_used_from_the_stores_copy(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    shutil.move(work / "g.json", work / "elsewhere.json")
    assert cli(work / "b.md", "--add", "--store", store) == 0
    err = capsys.readouterr().err
    assert f"glossary g.json is gone ({work / 'g.json'}); using the copy kept in the store" in err
    assert_frob_is_an_alias(store)
    [record] = Store(store).build_config().glossaries
    assert record.path == str(work / "g.json")  # still where the user put it


def test_a_broken_explicit_glossary_fails_before_anything_is_read(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    (work / "bad.json").write_text("{not json", encoding="utf-8")
    assert cli(work / "b.md", "--add", "--glossary", work / "bad.json", "--store", store) == 2
    assert "bad.json is not valid JSON" in capsys.readouterr().err
    assert_frob_is_an_alias(store)  # the store is as it was
    with pytest.raises(GlossaryError, match="does not exist"):
        ingest(
            [work / "b.md"],
            store=store,
            config=resolve_build_config(store, QUIET, glossary_paths=[work / "nope.json"])[0],
        )


def test_concept_and_link_settings_are_reused(work: Path, capsys) -> None:
    store = work / "store"
    graph = GraphConfig(
        concepts=ConceptConfig(min_nodes=3, cover_all_nodes=False),
        links=LinkConfig(near_duplicate=0.95),
    )
    assert ingest([work / "a.md"], store=store, config=replace(QUIET, graph=graph)).ok
    build = Store(store).build_config()
    assert build.concepts["min_nodes"] == 3 and build.links["near_duplicate"] == 0.95
    assert cli(work / "b.md", "--add", "--store", store) == 0
    assert capsys.readouterr().err == (
        "qagraph: using the store's concept and link settings and model hashing\n"
    )
    again = Store(store).build_config()
    assert again.concepts == build.concepts and again.links == build.links
    config, _ = resolve_build_config(store)
    assert config.graph.concepts.min_nodes == 3 and not config.graph.concepts.cover_all_nodes
    assert config.graph.links.near_duplicate == 0.95


def test_a_store_from_before_build_records_still_works(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    for manifest_path in store.glob("gen-*/manifest.json"):
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        del manifest["build"]
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    build = Store(store).build_config()
    assert not build.recorded and build == BuildConfig(model="hashing")
    # The model still comes from the manifest (asking would load MiniLM otherwise).
    assert main(["ask", "what is frobnication", "--store", str(store), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]
    # Re-ingesting gives the defaults (the glossary was never recorded) and records them.
    assert cli(work / "b.md", "--add", "--store", store) == 0
    assert capsys.readouterr().err == "qagraph: using the store's model hashing\n"
    build = Store(store).build_config()
    assert build.recorded and build.model == "hashing" and build.glossaries == ()


def test_ingest_without_a_config_reuses_the_stores(work: Path, capsys) -> None:
    store = first_build(work, capsys)
    config, notes = resolve_build_config(store, QUIET)
    assert notes == ["using the store's glossary g.json (1 file) and model hashing"]
    assert config.encoder.model == "hashing"
    assert ingest([work / "b.md"], store=store, config=replace(config, progress=False)).ok
    assert_frob_is_an_alias(store)
    assert ingest([work / "b.md"], store=store, add=True).ok
    assert_frob_is_an_alias(store)


def test_an_upload_in_the_app_reuses_the_stores_settings(work: Path, capsys, hashing_encoder):
    pytest.importorskip("qagraph.retrieval.searcher")
    from qagraph.ui.handlers import sources
    from qagraph.ui.state import AppState

    store = first_build(work, capsys)
    state = AppState(store, encoder=hashing_encoder)
    outcome = sources.ingest_paths(state, [work / "b.md"])
    assert outcome.ok, outcome.message
    assert "- Using the store's glossary g.json (1 file) and model hashing" in outcome.message
    assert_frob_is_an_alias(store)
    assert Store(store).build_config().glossaries[0].path == str(work / "g.json")
    assert {s.name for s in state.snapshot.kb.sources()} == {"a.md", "b.md"}
