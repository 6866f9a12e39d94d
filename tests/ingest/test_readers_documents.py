"""Tests for the readers of the documents people keep: notebooks, Word files and PDFs."""

from __future__ import annotations

import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from docmaker import make_pdf
from docx import Document as WordDocument
from pypdf import PdfWriter

from qagraph.ingest.readers import Document, ReadError, read_document
from qagraph.ingest.split import split_document

SHARED = Path(__file__).resolve().parents[3] / "shared"
EXTERNAL = SHARED / "external"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"no shared documents at {SHARED}")
CORPUS = Path(__file__).resolve().parents[2] / "qagraph" / "data" / "corpus"


def assert_valid_map(doc: Document) -> None:
    assert len(doc.line_map) == len(doc.lines)
    assert all(1 <= n <= doc.n_lines for n in doc.line_map)
    assert list(doc.line_map) == sorted(doc.line_map)


def squash(text: str) -> str:
    return " ".join(re.sub(r"[*`_\\]", "", text).split()).lower()


# -- Jupyter notebooks ----------------------------------------------------------------------


def write_notebook(path: Path, cells: list) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, str(path))
    return path


def test_notebook_cells_become_markdown_with_cell_numbers(tmp_path: Path) -> None:
    v4 = nbformat.v4
    code = v4.new_code_cell("print('hi')\n1 + 1")
    code.outputs = [
        v4.new_output("stream", name="stdout", text="hi\n"),
        v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1),
    ]
    path = write_notebook(
        tmp_path / "nb.ipynb",
        [
            v4.new_markdown_cell("# Title\n\n**1.** What does this print?"),
            code,
            v4.new_markdown_cell(""),
            v4.new_raw_cell("raw text is not shown"),
            v4.new_markdown_cell("**2**. And this?"),
            v4.new_code_cell('md = """\n```\n"""'),
        ],
    )
    doc = read_document(path)
    assert doc.format == "notebook"
    assert doc.n_lines == 6
    assert doc.text == (
        "# Title\n\n**1.** What does this print?\n\n"
        "```python\nprint('hi')\n1 + 1\n```\n\n```\nhi\n2\n```\n\n"
        '**2**. And this?\n\n````python\nmd = """\n```\n"""\n````\n'
    )
    assert doc.line_map == (1, 1, 1) + (2,) * 10 + (5, 5) + (6,) * 6
    assert_valid_map(doc)
    nodes = split_document(doc)
    assert [n.question for n in nodes] == ["What does this print?", "And this?"]
    assert "print('hi')" in nodes[0].answer and "hi" in nodes[0].answer
    assert (nodes[0].line_start, nodes[0].line_end) == (1, 2)
    assert (nodes[1].line_start, nodes[1].line_end) == (5, 6)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "bad.ipynb: not a notebook (invalid JSON"),
        (b'{"cells": 3}', "bad.ipynb: not a notebook"),
        (b"", "bad.ipynb: file is empty"),
        (b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "bad.ipynb: no"),
    ],
)
def test_bad_notebooks_raise_read_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


@needs_shared
def test_pandas_puzzles_every_puzzle_answered_by_its_solution_cells() -> None:
    path = EXTERNAL / "ajcr__100-pandas-puzzles" / "100-pandas-puzzles-with-solutions.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    # Gold from the notebook itself: "**N.**" or "**N**." opens a puzzle's markdown cell
    # (or a line of a section's first cell); its solution is the next code cell.
    gold: dict[int, str] = {}
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in re.finditer(r"^\*\*(\d+)(?:\.\*\*|\*\*\.)", cell.source, re.MULTILINE):
            solution = next(c for c in nb.cells[k + 1 :] if c.cell_type == "code")
            gold.setdefault(int(m.group(1)), solution.source)
    assert sorted(gold) == list(range(1, 61))

    doc = read_document(path)
    assert doc.format == "notebook" and doc.n_lines == len(nb.cells)
    assert_valid_map(doc)
    nodes = {int(n.number): n for n in split_document(doc) if n.number}
    missing = [n for n in gold if n not in nodes]
    assert not missing, f"puzzles without a node: {missing}"
    for number, solution in gold.items():
        node = nodes[number]
        assert node.answered, number
        answer_lines = {line.strip() for line in node.answer.splitlines()}
        missing_lines = [x for x in solution.splitlines() if x.strip() not in answer_lines]
        assert not missing_lines, f"puzzle {number}: solution not in its answer"


# -- Word documents -------------------------------------------------------------------------


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def test_docx_round_trip_of_a_corpus_document(tmp_path: Path) -> None:
    source = read_document(CORPUS / "003_cf6bf50aee448fed.txt")
    nodes = split_document(source)
    assert len(nodes) > 20
    word = WordDocument()
    word.add_heading("Interview questions", level=1)
    for node in nodes:
        word.add_heading(node.question, level=2)
        for chunk in node.answer.split("\n\n"):
            word.add_paragraph(" ".join(chunk.split()))
    path = tmp_path / "faq.docx"
    word.save(str(path))

    doc = read_document(path)
    assert doc.format == "docx"
    assert_valid_map(doc)
    assert doc.n_lines == len(word.paragraphs)
    again = split_document(doc)
    assert [n.question for n in again] == [n.question for n in nodes]
    for before, after in zip(nodes, again, strict=True):
        assert squash(first_sentence(after.answer)) == squash(first_sentence(before.answer))
    # Citations are by paragraph: the first question is the document's second paragraph.
    assert again[0].line_start == 2


def test_docx_styles_lists_bold_and_tables(tmp_path: Path) -> None:
    word = WordDocument()
    word.add_heading("Kernels", level=1)  # 1
    word.add_paragraph("What is a kernel?").runs[0].bold = True  # 2
    word.add_paragraph("A similarity function.")  # 3
    word.add_paragraph("Which kernels are common?", style="List Number")  # 4
    word.add_paragraph("Which one is the default?", style="List Number")  # 5
    word.add_paragraph("linear", style="List Bullet")  # 6
    word.add_paragraph()  # 7: empty, still counted
    table = word.add_table(rows=2, cols=2)  # 8
    table.cell(0, 0).text, table.cell(0, 1).text = "Kernel", "Formula"
    table.cell(1, 0).text, table.cell(1, 1).text = "RBF", "exp(-g|x-y|^2)"
    mixed = word.add_paragraph()  # 9
    mixed.add_run("Note:").bold = True
    mixed.add_run(" # not a heading")
    path = tmp_path / "k.docx"
    word.save(str(path))
    doc = read_document(path)
    assert doc.text == (
        "# Kernels\n\n**What is a kernel?**\n\nA similarity function.\n\n"
        "1. Which kernels are common?\n2. Which one is the default?\n- linear\n\n"
        "| Kernel | Formula |\n| --- | --- |\n| RBF | exp(-g\\|x-y\\|^2) |\n\n"
        "**Note:** # not a heading\n"
    )
    assert doc.n_lines == 9
    assert doc.line_map == (1, 2, 2, 3, 3, 4, 4, 5, 6, 8, 8, 8, 8, 9, 9)
    assert doc.page_line(0) is None


def test_docx_numbering_from_num_pr(tmp_path: Path) -> None:
    word = WordDocument()
    for text in ("What is bias?", "What is variance?"):
        paragraph = word.add_paragraph(text, style="List Number")
        # Move the numbering from the style onto the paragraph, as Word does.
        num_pr = paragraph.style.element.pPr.numPr
        paragraph._p.get_or_add_pPr().append(copy.deepcopy(num_pr))
        paragraph.style = word.styles["List Paragraph"]
    word.add_paragraph("Plain text.")
    path = tmp_path / "n.docx"
    word.save(str(path))
    assert read_document(path).text == "1. What is bias?\n2. What is variance?\n\nPlain text.\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"plain text, not a zip", "bad.docx: not a readable Word .docx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "bad.docx: an encrypted or old"),
        (b"", "bad.docx: file is empty"),
    ],
)
def test_bad_docx_raise_read_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


# -- PDF ------------------------------------------------------------------------------------


def test_pdf_furniture_headings_hyphens_and_pages(tmp_path: Path) -> None:
    body = [
        [("Machine Learning FAQ", 20, "B"), ("1. Basics", 14, "B")],
        [("2. Models", 14, "B")],
        [],
    ]
    questions = [
        [
            ("1.1. What is overfitting?", 11, "B"),
            ("A model that fits noise in the", 11, "R"),
            ("training data instead of the under-", 11, "R"),
            ("lying signal.", 11, "R"),
        ],
        [
            ("2.1. What is a kernel, and when", 11, "B"),
            ("is it used?", 11, "B"),
            ("A similarity function:", 11, "R"),
            ("k(x, y) = exp(-g * d)", 9, "M"),
            ("2.2. Why regularise?", 11, "B"),
            ("To keep weights small.", 11, "R"),
        ],
        [("Page 3 continues here without questions.", 11, "R")],
    ]
    pages = []
    for n, (head, rest) in enumerate(zip(body, questions, strict=True), start=1):
        pages.append(
            [
                ("ACME Handbook", 9, "R"),
                *head,
                *rest,
                (f"Page {n} of 3", 9, "R"),
                ("(c) 2024 ACME Corp.", 9, "R"),
            ]
        )
    path = tmp_path / "ml.pdf"
    path.write_bytes(make_pdf(pages))
    doc = read_document(path)
    assert doc.format == "pdf"
    assert_valid_map(doc)
    assert len(doc.pages) == len(doc.lines) and doc.pages[-1] == 3
    assert "ACME Handbook" not in doc.text and "Page 1" not in doc.text
    assert "ACME Corp" not in doc.text
    assert "# Machine Learning FAQ" in doc.lines
    assert "## 1. Basics" in doc.lines
    assert "### 1.1. What is overfitting?" in doc.lines
    assert "### 2.1. What is a kernel, and when is it used?" in doc.lines
    assert "training data instead of the underlying" in doc.lines
    assert "signal." in doc.lines
    i = doc.lines.index("k(x, y) = exp(-g * d)")
    assert doc.lines[i - 1] == doc.lines[i + 1] == "```"
    # Page 2 starts with the removed running header, so "## 2. Models" is its line 2.
    j = doc.lines.index("## 2. Models")
    assert doc.pages[j] == 2 and doc.page_line(j) == (2, 2)
    nodes = {(n.number, n.question): n for n in split_document(doc)}
    assert "A model that fits noise" in nodes[("1.1", "What is overfitting?")].answer
    assert "exp(-g * d)" in nodes[("2.1", "What is a kernel, and when is it used?")].answer
    assert nodes[("2.2", "Why regularise?")].answer.startswith("To keep weights small.")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    path = tmp_path / "scan.pdf"
    writer.write(str(path))
    with pytest.raises(ReadError, match=r"^scan\.pdf: no text layer \(a scanned PDF\?\); nothing"):
        read_document(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    reader_bytes = make_pdf([[("What is AUC?", 11, "B")]])
    writer = PdfWriter(clone_from=io.BytesIO(reader_bytes))
    writer.encrypt("secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(str(path))
    with pytest.raises(ReadError, match=r"^locked\.pdf: encrypted PDF \(a password is needed\)"):
        read_document(path)


@pytest.mark.parametrize("content", [b"%PDF-1.7", b"%PDF-1.4\n1 0 obj garbage", b"not a pdf"])
def test_corrupt_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value).startswith("broken.pdf: ")
    assert "\n" not in str(info.value)


def test_page_lines_must_match_text() -> None:
    with pytest.raises(ValueError, match="pages has 1 entries for 2 lines"):
        Document(
            "x.pdf", "/x.pdf", "a\nb\n", (1, 2), "utf-8", "0" * 64, 2, format="pdf", pages=(1,)
        )


@needs_shared
def test_forrest_faq_pdf_against_its_xml() -> None:
    folder = EXTERNAL / "apache__forrest"
    gold: dict[str, str] = {}
    for title in ET.parse(folder / "faq.xml").iter("title"):
        text = " ".join("".join(title.itertext()).split())
        if m := re.match(r"^(\d+\.\d+)\.\s*(.+)$", text):
            gold[m.group(1)] = m.group(2)
    assert len(gold) == 32

    doc = read_document(folder / "faq.pdf")
    assert doc.format == "pdf" and len(doc.pages) == len(doc.lines)
    assert_valid_map(doc)
    nodes = split_document(doc)
    by_number: dict[str, object] = {}
    for node in nodes:
        if node.number and re.fullmatch(r"\d+\.\d+", node.number):
            by_number[node.number] = node
    assert sorted(by_number) == sorted(gold)
    for number, question in gold.items():
        node = by_number[number]
        words = set(squash(question).split())
        assert len(words & set(squash(node.question).split())) >= 0.8 * len(words), number
        assert node.answered and node.answer.strip(), number
    furniture = re.compile(r"frequently asked questions|copyright|^page \d+", re.IGNORECASE)
    for node in nodes:
        assert not furniture.search(node.question), node.question
        assert "Copyright" not in node.answer and not re.search(r"^Page \d+$", node.answer, re.M)
    # "1.1." is the third line of page 2 (after "Questions" and the section heading).
    first = next(i for i, line in enumerate(doc.lines) if line.startswith("### 1.1."))
    assert doc.page_line(first) == (2, 3)


def test_notebook_json_is_read_as_utf8(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Qu'est-ce que é ?")])
    path = tmp_path / "fr.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    assert read_document(path).lines == ["## Qu'est-ce que é ?"]


def test_off_schema_notebook_is_read_with_a_warning(tmp_path: Path) -> None:
    # Hand-written: no cell metadata, source as a list of lines, an error output.
    error = {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["\x1b[31mE\x1b[0m"]}
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["## What is X?\n", "It is Y."]},
            {"cell_type": "code", "source": "x = 1", "outputs": [error]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 2,
    }
    path = tmp_path / "hand.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    doc = read_document(path)
    assert doc.text == "## What is X?\nIt is Y.\n\n```python\nx = 1\n```\n\n```\nE\n```\n"
    assert doc.warnings == ("hand.ipynb: does not follow the notebook format; cells read as is",)


def test_docx_keeps_the_text_of_links(tmp_path: Path) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = WordDocument()
    paragraph = word.add_paragraph("See ")
    link, run, text = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    link.set(qn("r:id"), "rId99")
    text.text = "the guide"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" for more.")
    path = tmp_path / "link.docx"
    word.save(str(path))
    assert read_document(path).text == "See the guide for more.\n"


def test_notebook_fence_left_open_ends_with_its_cell(tmp_path: Path) -> None:
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("## What is the setup?\n\n```python\nimport numpy as np"),
        v4.new_markdown_cell("## What comes next?\n\nThe model."),
    ]
    doc = read_document(write_notebook(tmp_path / "open.ipynb", cells))
    assert doc.lines[:6] == [
        "## What is the setup?",
        "",
        "```python",
        "import numpy as np",
        "```",
        "",
    ]
    nodes = split_document(doc)
    assert [n.question for n in nodes] == ["What is the setup?", "What comes next?"]


def test_mdx_components_become_bullets(tmp_path: Path) -> None:
    page = tmp_path / "quiz.mdx"
    page.write_text(
        'import Quiz from "./quiz"\n\n<Banner chapter={7} />\n\n'
        "### 1. Which tasks are token classification?\n\n<Question\n\tchoices={[\n"
        '\t\t{ text: "Tagging parts of speech.", explain: "Right: one label per word.",'
        " correct: true },\n"
        '\t\t{ text: "Sentiment of a review.", explain: "No: one label per text." }\n'
        "\t]}\n/>\n\n### 2. What is NER?\n\n<Tip>\n\nNamed-entity recognition.\n\n</Tip>\n",
        encoding="utf-8",
    )
    doc = read_document(page)
    nodes = split_document(doc)
    assert [n.question for n in nodes] == [
        "Which tasks are token classification?",
        "What is NER?",
    ]
    assert nodes[0].answer == (
        "- Tagging parts of speech. — Right: one label per word. (correct)\n"
        "- Sentiment of a review. — No: one label per text."
    )
    assert nodes[1].answer == "Named-entity recognition."
    assert (nodes[0].line_start, nodes[1].line_start) == (5, 14)
