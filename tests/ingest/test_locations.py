"""Nodes of PDFs, notebooks and Word files are cited where a reader looks: page and line on
the page, cells, paragraphs; and the location survives ingest into the store."""

from __future__ import annotations

from pathlib import Path

import nbformat
from docmaker import make_pdf
from docx import Document as WordDocument

from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ingest.readers import read_document
from qagraph.ingest.split import split_document
from qagraph.kb import Store
from qagraph.retrieval import citation

QUIET = IngestConfig(encoder=EncoderConfig(model="hashing"), progress=False)

PAGES = [
    [
        ("ACME Handbook", 9, "R"),
        ("1. What is overfitting?", 12, "B"),
        ("A model that fits noise in the training data.", 11, "R"),
        ("It does well on training data and badly on new data.", 11, "R"),
        ("The usual cure is regularisation, or more data, and the answer goes on", 11, "R"),
        ("Page 1 of 2", 9, "R"),
    ],
    [
        ("ACME Handbook", 9, "R"),
        ("over the page break before it ends.", 11, "R"),
        ("2. What is a kernel?", 12, "B"),
        ("A similarity function between two points.", 11, "R"),
        ("Page 2 of 2", 9, "R"),
    ],
]


def pdf(tmp_path: Path, pages=PAGES) -> Path:
    path = tmp_path / "faq.pdf"
    path.write_bytes(make_pdf(pages))
    return path


def test_pdf_nodes_are_cited_by_page_and_line_on_the_page(tmp_path: Path) -> None:
    doc = read_document(pdf(tmp_path))
    first, second = split_document(doc)
    # Line 1 of each page is its running header, so questions start on line 2.
    assert first.location == "p. 1, line 2 - p. 2, line 2"
    assert second.location == "p. 2, lines 3-4"
    assert citation(second) == "faq.pdf #2, p. 2, lines 3-4"
    assert citation(first) == "faq.pdf #1, p. 1, line 2 - p. 2, line 2"
    # line_start/line_end keep counting the extracted text, for the excerpt.
    assert (second.line_start, second.line_end) == (9, 10)


def test_a_one_line_pdf_node_says_line(tmp_path: Path) -> None:
    doc = read_document(pdf(tmp_path, [[("What is AUC?", 12, "B"), ("The area.", 11, "R")]]))
    lines = doc.lines
    assert doc.location(0, 0) == "p. 1, line 1"
    assert doc.location(0, len(lines) - 1) == "p. 1, lines 1-2"


def test_a_word_hyphenated_across_pages_keeps_line_numbers(tmp_path: Path) -> None:
    pages = [
        [("1. What is regularisation?", 12, "B"), ("It keeps weights small and re-", 11, "R")],
        [("duces", 11, "R"), ("variance.", 11, "R"), ("2. What is dropout?", 12, "B")],
    ]
    doc = read_document(pdf(tmp_path, pages))
    assert "It keeps weights small and reduces" in doc.lines
    i = next(k for k, text in enumerate(doc.lines) if "What is dropout?" in text)
    # The emptied first line of page 2 stays, so counting from it still gives line 3.
    assert doc.page_line(i) == (2, 3)


def test_notebook_nodes_are_cited_by_cell(tmp_path: Path) -> None:
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("# Quiz"),
            v4.new_markdown_cell("## 1. What does this print?"),
            v4.new_code_cell("print(1 + 1)"),
            v4.new_markdown_cell("It prints 2."),
            v4.new_markdown_cell("## 2. Why?\n\nAddition."),
        ]
    )
    path = tmp_path / "quiz.ipynb"
    nbformat.write(nb, str(path))
    nodes = split_document(read_document(path))
    by_question = {n.question: n for n in nodes}
    assert by_question["What does this print?"].location == "cells 2-4"
    assert by_question["Why?"].location == "cell 5"
    assert citation(by_question["Why?"]) == "quiz.ipynb #2, Quiz, cell 5"


def test_word_nodes_are_cited_by_paragraph(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_heading("Kernels", level=1)  # paragraph 1
    word.add_heading("What is a kernel?", level=2)  # 2
    word.add_paragraph("A similarity function.")  # 3
    word.add_paragraph("It compares two points.")  # 4
    word.add_heading("Which kernel is the default?", level=2)  # 5
    word.add_paragraph("RBF.")  # 6
    path = tmp_path / "k.docx"
    word.save(str(path))
    first, second = split_document(read_document(path))
    assert first.location == "paragraphs 2-4"
    assert citation(second) == "k.docx, Kernels, paragraphs 5-6"


def test_text_formats_have_no_location(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("## What is PCA?\n\nA projection.\n", encoding="utf-8")
    [node] = split_document(read_document(path))
    assert node.location is None and citation(node) == "n.md, lines 1-3"


def test_locations_are_stored_by_ingest(tmp_path: Path) -> None:
    result = ingest([str(pdf(tmp_path))], store=tmp_path / "store", config=QUIET)
    assert result.ok, result.reports
    with Store(tmp_path / "store").open() as kb:
        locations = [n.location for n in kb.nodes()]
    assert locations == ["p. 1, line 2 - p. 2, line 2", "p. 2, lines 3-4"]
