"""The Sources tab's handlers: the table, uploads into the store, incremental re-ingest."""

from __future__ import annotations

from pathlib import Path

from qagraph.ui.handlers import chat, sources

DOC = """# Kernel notes

Q: What is the kernel trick in support vector machines?
The kernel trick computes inner products in a high-dimensional feature space without ever
building that space, so a linear SVM can draw non-linear boundaries.

Q: Which kernels are common?
Linear, polynomial and RBF kernels.
"""


def test_the_table_has_one_row_per_source(ui_state) -> None:
    rows = sources.table(ui_state.snapshot, ui_state.uploads_dir)
    assert [r[0] for r in rows] == [s.name for s in ui_state.snapshot.kb.sources()]
    first = rows[0]
    assert first[1] == len(ui_state.snapshot.kb.nodes(source=first[0]))
    assert first[5] == "bundled corpus" and first[6] == "up to date"
    assert "questions from" in sources.summary_md(ui_state.snapshot)


def test_safe_name_cannot_escape_the_uploads_folder() -> None:
    assert sources.safe_name("../../etc/passwd.md") == "passwd.md"
    assert sources.safe_name("C:\\temp\\notes.txt") == "notes.txt"
    assert sources.safe_name("we|ird name?.md") == "we_ird name_.md"
    assert sources.safe_name("...") == "upload.txt"


def test_uploads_are_checked_for_type_size_and_emptiness(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(DOC, encoding="utf-8")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(b"Q: a?\n" * (sources.MAX_UPLOAD_BYTES // 6 + 10))
    target = tmp_path / "store" / "uploads"
    saved, problems = sources.save_uploads([good, exe, empty, big], target)
    assert saved == [target / "good.md"] and saved[0].read_text(encoding="utf-8") == DOC
    assert any("tool.exe: not a supported file" in p for p in problems)
    assert any("empty.txt: the file is empty" in p for p in problems)
    assert any("big.txt" in p and "over the 2 MB limit" in p for p in problems)


def test_an_upload_is_stored_in_the_store_ingested_and_answerable(fresh_state, tmp_path) -> None:
    before = len(fresh_state.snapshot.kb.nodes())
    upload = tmp_path / "kernels.md"
    upload.write_text(DOC, encoding="utf-8")
    outcome = sources.upload(fresh_state, [upload])
    assert outcome.ok, outcome.message
    assert outcome.saved == [fresh_state.store_path / "uploads" / "kernels.md"]
    assert "kernels.md: 2 nodes" in outcome.message
    snap = fresh_state.snapshot
    assert len(snap.kb.nodes()) == before + 2
    assert {s.name for s in snap.kb.sources()} >= {"kernels.md", "000_bf0be15a9e8227b4.txt"}
    row = next(r for r in sources.table(snap, fresh_state.uploads_dir) if r[0] == "kernels.md")
    assert row[5] == "uploaded"
    reply = chat.reply(snap, "What is the kernel trick in support vector machines?")
    assert "— **kernels.md**" in reply.markdown


def test_reingest_picks_up_only_changed_files(fresh_state, tmp_path) -> None:
    upload = tmp_path / "kernels.md"
    upload.write_text(DOC, encoding="utf-8")
    assert sources.upload(fresh_state, [upload]).ok
    assert "up to date" in sources.reingest_changed(fresh_state).message
    stored = fresh_state.uploads_dir / "kernels.md"
    stored.write_text(
        DOC + "\nQ: What is an RBF kernel?\nA Gaussian of the distance.\n", encoding="utf-8"
    )
    outcome = sources.reingest_changed(fresh_state)
    assert outcome.ok and "kernels.md: 3 nodes" in outcome.message
    assert len(fresh_state.snapshot.kb.nodes(source="kernels.md")) == 3


def test_nothing_to_add_is_explained(fresh_state, tmp_path) -> None:
    assert "Choose one or more" in sources.upload(fresh_state, []).message
    bad = tmp_path / "x.odt"  # a type no reader takes
    bad.write_bytes(b"PK\x03\x04")
    outcome = sources.upload(fresh_state, [bad])
    assert not outcome.ok and "Nothing was added" in outcome.message


def test_a_file_without_questions_is_not_kept(fresh_state, tmp_path) -> None:
    good = tmp_path / "kernels.md"
    good.write_text(DOC, encoding="utf-8")
    prose = tmp_path / "prose.md"
    prose.write_text("Just a paragraph of prose with no question in it at all.\n", "utf-8")
    outcome = sources.upload(fresh_state, [good, prose])
    assert outcome.ok and "prose.md: skipped" in outcome.message
    assert outcome.saved == [fresh_state.uploads_dir / "kernels.md"]
    assert not (fresh_state.uploads_dir / "prose.md").exists()
    alone = sources.upload(fresh_state, [prose])
    assert not alone.ok and "the store is unchanged" in alone.message
    assert not (fresh_state.uploads_dir / "prose.md").exists()


def test_a_failed_replacement_keeps_the_stored_file(fresh_state, tmp_path) -> None:
    # Re-uploading a file of the same name that cannot be ingested must not overwrite the
    # good copy the store's nodes cite (and that the sources panel quotes).
    first = tmp_path / "first" / "kernels.md"
    first.parent.mkdir()
    first.write_text(DOC, encoding="utf-8")
    assert sources.upload(fresh_state, [first]).ok
    broken = tmp_path / "kernels.md"
    broken.write_text("Just prose now, no question in it at all.\n", encoding="utf-8")
    outcome = sources.upload(fresh_state, [broken])
    assert not outcome.ok
    stored = fresh_state.uploads_dir / "kernels.md"
    assert stored.read_text(encoding="utf-8") == DOC
    row = next(
        r
        for r in sources.table(fresh_state.snapshot, fresh_state.uploads_dir)
        if r[0] == "kernels.md"
    )
    assert row[6] == "up to date"
