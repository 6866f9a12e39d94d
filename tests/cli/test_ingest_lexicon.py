"""`qagraph ingest --lexicon FILE`: a user lexicon extends contradiction detection, the store
keeps a copy for its next ingests, --reset-settings forgets it, a bad file is one line."""

from __future__ import annotations

import json
from pathlib import Path

from qagraph.cli import main
from qagraph.kb import Store
from qagraph.kb.contradictions import contradictions
from qagraph.kb.lexicons import LEXICONS_FILE, StoreLexicons

A = """\
## What tempo does the overture use?
The overture is allegro throughout the first movement.
"""
B = """\
## Which tempo does the overture have?
The overture is adagio throughout the first movement.
"""


def _flags(store: Path) -> int:
    with Store(store).open() as kb:
        return len(contradictions(kb))


def test_a_user_lexicon_is_used_and_kept(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.md").write_text(A, encoding="utf-8")
    (tmp_path / "b.md").write_text(B, encoding="utf-8")
    lexicon = tmp_path / "music.json"
    lexicon.write_text(
        json.dumps({"axes": [{"name": "tempo", "poles": [["allegro"], ["adagio"]]}]}),
        encoding="utf-8",
    )
    store = tmp_path / "store"
    docs = [str(tmp_path / "a.md"), str(tmp_path / "b.md")]
    base = ["ingest", *docs, "--store", str(store), "--model", "hashing", "--no-progress"]
    assert main(base) == 0
    assert _flags(store) == 0  # the built-in lexicon knows no tempo
    assert main([*base, "--lexicon", str(lexicon)]) == 0
    assert _flags(store) == 1
    assert [p for p, _ in StoreLexicons(store).load()] == [str(lexicon.absolute())]
    # The next ingest uses the kept copy, even with the file gone.
    lexicon.unlink()
    capsys.readouterr()
    assert main(["ingest", *docs, "--store", str(store), "--no-progress"]) == 0
    assert "using the store's contradiction lexicon music.json" in capsys.readouterr().err
    assert _flags(store) == 1
    assert main([*base, "--reset-settings"]) == 0
    assert _flags(store) == 0 and not (store / LEXICONS_FILE).exists()


def test_a_bad_lexicon_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.md").write_text(A, encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"axes": [{"name": "x", "poles": [["a"]]}]}', encoding="utf-8")
    store = tmp_path / "store"
    args = ["ingest", str(tmp_path / "a.md"), "--store", str(store), "--model", "hashing"]
    assert main([*args, "--lexicon", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qagraph: error: lexicon bad.json") and len(err.splitlines()) == 1
    assert not Store(store).exists
