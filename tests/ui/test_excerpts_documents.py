"""The sources panel shows what a citation names in files that are not text: a PDF page's
extracted lines numbered as on the page, notebook cells, Word paragraphs, and web pages
from the copy the store keeps (never the network, never binary read as text)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import webserver
from docmaker import make_pdf
from docx import Document as WordDocument

from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ingest.readers import read_document
from qagraph.ingest.split import split_document
from qagraph.kb import KnowledgeBase, SourceDoc, Store
from qagraph.ui import render
from qagraph.ui.excerpts import excerpt
from qagraph.ui.handlers import chat, sources

QUIET = IngestConfig(encoder=EncoderConfig(model="hashing"), progress=False)


def kb_of(tmp_path: Path, path: Path):
    """A knowledge base holding one file, and that file's nodes."""
    doc = read_document(path)
    nodes = split_document(doc)
    source = SourceDoc(doc.name, str(path), doc.sha256, doc.n_lines, doc.encoding)
    kb = KnowledgeBase(path=tmp_path, manifest={}, sources=[source], nodes=nodes, edges=[])
    return kb, nodes


def test_a_pdf_excerpt_is_the_page_text_numbered_by_line_on_the_page(tmp_path: Path) -> None:
    path = tmp_path / "faq.pdf"
    path.write_bytes(
        make_pdf(
            [
                [
                    ("ACME", 9, "R"),
                    ("1. What is overfitting?", 12, "B"),
                    ("Fitting noise, and the answer runs", 11, "R"),
                ],
                [("ACME", 9, "R"), ("onto the next page.", 11, "R"), ("2. Why?", 12, "B")],
            ]
        )
    )
    kb, (first, second) = kb_of(tmp_path, path)
    assert first.location == "p. 1, line 2 - p. 2, line 2"
    ex = excerpt(kb, "faq.pdf", first.line_start, first.line_end)
    assert ex is not None and ex.note == "" and ex.language == "text"
    assert ex.lines == [
        ("p. 1", ""),
        (2, "1. What is overfitting?"),
        (3, "Fitting noise, and the answer runs"),
        ("p. 2", ""),
        (1, "ACME"),
        (2, "onto the next page."),
    ]
    md = render.source_entry_md(1, first, ex)
    assert "Original text, p. 1, line 2 - p. 2, line 2" in md
    assert "p. 1 │\n   2 │ 1. What is overfitting?" in md and "%PDF" not in md
    assert excerpt(kb, "faq.pdf", second.line_start, second.line_end).lines == [
        ("p. 2", ""),
        (3, "2. Why?"),
    ]
    path.write_bytes(path.read_bytes() + b"\n% edited\n")
    assert "changed since" in excerpt(kb, "faq.pdf", 1, 2).note


def test_a_notebook_excerpt_shows_the_cited_cells(tmp_path: Path) -> None:
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("## 1. What does this print?"),
            v4.new_code_cell("print(1 + 1)"),
            v4.new_markdown_cell("## 2. Why?\n\nAddition."),
        ]
    )
    path = tmp_path / "quiz.ipynb"
    nbformat.write(nb, str(path))
    kb, (first, _) = kb_of(tmp_path, path)
    ex = excerpt(kb, "quiz.ipynb", first.line_start, first.line_end)
    assert ex.lines == [
        (1, "## 1. What does this print?"),
        (2, ""),
        ("", "```python"),
        ("", "print(1 + 1)"),
        ("", "```"),
    ]
    assert '"cell_type"' not in render.excerpt_md(ex)  # not the JSON of the file


def test_a_word_excerpt_shows_the_cited_paragraphs(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_heading("What is a kernel?", level=2)
    word.add_paragraph("A similarity function.")
    word.add_heading("Which kernel is the default?", level=2)
    word.add_paragraph("RBF.")
    path = tmp_path / "k.docx"
    word.save(str(path))
    kb, (first, _) = kb_of(tmp_path, path)
    ex = excerpt(kb, "k.docx", first.line_start, first.line_end)
    assert ex.lines == [(1, "## What is a kernel?"), (2, ""), ("", "A similarity function.")]


def test_an_unreadable_document_gives_no_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "faq.pdf"
    path.write_bytes(make_pdf([[("1. What is AUC?", 12, "B"), ("An area.", 11, "R")]]))
    kb, _ = kb_of(tmp_path, path)
    path.write_bytes(b"not a pdf any more")
    assert excerpt(kb, "faq.pdf", 1, 2) is None
    assert "cannot be read" in render.excerpt_md(None)


PAGE = """<!doctype html>
<html><body>
<nav><a href="/">Home</a></nav>
<main>
<h2>What is the kernel trick in support vector machines?</h2>
<p>It computes inner products in a feature space
without building that space.</p>
</main>
</body></html>
"""


def test_a_web_page_excerpt_comes_from_the_stored_copy(tmp_path: Path) -> None:
    with webserver.running() as server:
        server.routes["/svm"] = webserver.page(PAGE)
        url = server.url("/svm")
        assert ingest([url], store=tmp_path / "store", config=QUIET).ok
    # The server is gone: the excerpt is read from the copy kept in the store.
    with Store(tmp_path / "store").open() as kb:
        [node] = kb.nodes()
        ex = excerpt(kb, url, node.line_start, node.line_end)
    assert ex.language == "html" and ex.note == ""
    assert ex.lines == [
        (5, "<h2>What is the kernel trick in support vector machines?</h2>"),
        (6, "<p>It computes inner products in a feature space"),
        (7, "without building that space.</p>"),
    ]


@pytest.fixture
def site():
    with webserver.running() as server:
        server.routes["/svm"] = webserver.page(PAGE)
        server.routes["/logo.png"] = webserver.page(b"\x89PNG\0", "image/png")
        yield server


def test_the_sources_tab_adds_a_web_page(fresh_state, site) -> None:
    url = site.url("/svm")
    before = len(fresh_state.snapshot.kb.nodes())
    outcome = sources.add_urls(fresh_state, f"  {url}\n")
    assert outcome.ok, outcome.message
    assert f"{url}: 1 nodes" in outcome.message
    snap = fresh_state.snapshot
    assert len(snap.kb.nodes()) == before + 1  # the store's other sources are kept
    row = next(r for r in sources.table(snap, fresh_state.uploads_dir) if r[0] == url)
    assert row[5] == "web page" and row[6].startswith("copy fetched ")
    reply = chat.reply(snap, "What is the kernel trick in support vector machines?")
    assert url in reply.markdown
    assert "<h2>What is the kernel trick" in reply.turn["sources"]  # from the stored copy
    # Re-ingesting changed sources leaves web pages alone; adding again reuses the copy.
    assert "up to date" in sources.reingest_changed(fresh_state).message
    site.requests.clear()
    again = sources.add_urls(fresh_state, url)
    assert again.ok and site.requests == [] and "using the copy fetched" in again.message
    assert "“Fetch again”" in again.message
    fresh = sources.add_urls(fresh_state, url, refresh=True)
    assert fresh.ok and site.requests == ["/svm"]


def test_the_sources_tab_explains_bad_addresses(fresh_state, site) -> None:
    assert "Enter the address" in sources.add_urls(fresh_state, "   ").message
    bad = sources.add_urls(fresh_state, "faq.html")
    assert not bad.ok and "faq.html: not a web address" in bad.message
    png = sources.add_urls(fresh_state, site.url("/logo.png"))
    assert not png.ok and "unsupported content type image/png" in png.message
    assert "the store is unchanged" in png.message
