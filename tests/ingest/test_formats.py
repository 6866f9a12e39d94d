"""The splitter on Q&A formats written in many styles, each as a small inline document.

Every document is written to a file, read with `read_document` (so the reader's own
conversions, such as HTML to markdown, are part of what is tested) and split with
`split_document`. Line numbers are 1-based lines of the file as written.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from qagraph.ingest.readers import read_document
from qagraph.ingest.split import split_document
from qagraph.kb.records import QANode


def split(tmp_path: Path, name: str, text: str) -> list[QANode]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return split_document(read_document(path))


def line_of(tmp_path: Path, name: str, snippet: str, occurrence: int = 0) -> int:
    """1-based line of the file holding `snippet` (its occurrence-th appearance)."""
    lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if snippet in line]
    return hits[occurrence]


def questions(nodes: list[QANode]) -> list[str]:
    return [n.question for n in nodes]


def spans(nodes: list[QANode]) -> list[tuple[int, int]]:
    return [(n.line_start, n.line_end) for n in nodes]


# -- 1. "### Q:" headings, answer prefixes ----------------------------------------------


def test_q_headings_with_answer_prefixes(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "q_headings.md",
        """
        # Interview notes

        ### Q: What is overfitting?
        ### A: When a model fits noise.
        It does badly on new data.

        ### Q: What is bias?

        **A:** Systematic error.

        | estimator | bias |
        |---|---|
        | mean | 0 |

        ### Q: What is variance?
        **Answer:** Sensitivity to the training set.

        ```python
        np.var(predictions)
        ```

        ### Q: Is more data always better?

        **Answer:**

        No.
        """,
    )
    assert questions(nodes) == [
        "What is overfitting?",
        "What is bias?",
        "What is variance?",
        "Is more data always better?",
    ]
    assert [n.answer for n in nodes] == [
        "When a model fits noise.\nIt does badly on new data.",
        "Systematic error.\n\n| estimator | bias |\n|---|---|\n| mean | 0 |",
        "Sensitivity to the training set.\n\n```python\nnp.var(predictions)\n```",
        "No.",
    ]
    assert spans(nodes) == [(3, 5), (7, 13), (15, 20), (22, 26)]
    assert all(n.answered for n in nodes)
    assert {n.section for n in nodes} == {"Interview notes"}
    assert all(n.number is None for n in nodes)


def test_answer_headings_without_a_document_title(tmp_path: Path) -> None:
    # "### A:" is the answer of the "### Q:" above it, never a section of its own.
    nodes = split(
        tmp_path,
        "qa_headings.md",
        """
        ### Q: What is overfitting?
        ### A: When a model fits noise.

        ### Q: What is bias?
        ### A: TODO
        """,
    )
    assert questions(nodes) == ["What is overfitting?", "What is bias?"]
    assert [n.answer for n in nodes] == ["When a model fits noise.", "TODO"]
    assert spans(nodes) == [(1, 2), (4, 5)]
    assert [n.answered for n in nodes] == [True, False]
    assert [n.section for n in nodes] == [None, None]


# -- 2. numbered Q headings ---------------------------------------------------------------


def test_numbered_q_headings(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "numbered_q.md",
        """
        # Machine learning

        #### Q12: What is a decision tree?
        A tree of threshold splits.

        #### Q13: What is a random forest?
        Many decorrelated trees.
        - bagging
        - random feature subsets

        #### Q14: Explain boosting.
        Trees fitted one after another on the residuals.
        """,
    )
    assert questions(nodes) == [
        "What is a decision tree?",
        "What is a random forest?",
        "Explain boosting.",
    ]
    assert [n.number for n in nodes] == ["12", "13", "14"]
    assert nodes[1].answer == "Many decorrelated trees.\n- bagging\n- random feature subsets"
    assert spans(nodes) == [(3, 4), (6, 9), (11, 12)]
    assert all(n.answered for n in nodes)


# -- 3. <details> blocks ------------------------------------------------------------------


def test_details_blocks_in_markdown(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "details.md",
        """
        # FAQ

        <details><summary>What is PCA?</summary>

        PCA projects the data onto the directions of largest variance.

        - centre the data
        - take the top eigenvectors

        </details>

        <details>
        <summary>What is LDA?</summary>

        A supervised projection.

        ```python
        lda.fit(X, y)
        ```
        </details>
        """,
    )
    assert questions(nodes) == ["What is PCA?", "What is LDA?"]
    assert nodes[0].answer == (
        "PCA projects the data onto the directions of largest variance.\n\n"
        "- centre the data\n- take the top eigenvectors"
    )
    assert nodes[1].answer == "A supervised projection.\n\n```python\nlda.fit(X, y)\n```"
    # From the summary line to the last line of content (the closing tag is markup).
    assert spans(nodes) == [(3, 8), (13, 19)]
    assert all(n.answered for n in nodes)


def test_details_blocks_in_html(tmp_path: Path) -> None:
    name = "details.html"
    text = """
        <html><body>
        <h1>FAQ</h1>
        <details><summary>What is PCA?</summary>
        <p>PCA projects the data onto the directions of largest variance.</p>
        <ul><li>centre the data</li><li>take the top eigenvectors</li></ul>
        </details>
        <details>
        <summary>What is LDA?</summary>
        <p>A supervised projection.</p>
        </details>
        </body></html>
        """
    nodes = split(tmp_path, name, text)
    # The HTML reader renders each <summary> as a bold line of its own.
    doc = read_document(tmp_path / name)
    assert "**What is PCA?**" in doc.lines
    assert "**What is LDA?**" in doc.lines
    assert questions(nodes) == ["What is PCA?", "What is LDA?"]
    assert nodes[0].answer == (
        "PCA projects the data onto the directions of largest variance.\n\n"
        "- centre the data\n- take the top eigenvectors"
    )
    assert nodes[1].answer == "A supervised projection."
    assert spans(nodes) == [(3, 5), (8, 9)]
    assert all(n.section == "FAQ" for n in nodes)


def test_details_labelled_answer_belongs_to_the_question_above(tmp_path: Path) -> None:
    # A summary that only says "Answer" folds the answer of the question above it.
    nodes = split(
        tmp_path,
        "folded.md",
        """
        # Quiz

        ### What is a tensor?

        <details><summary>Answer</summary>

        A multi-dimensional array.

        </details>

        1. What is a scalar?
        <details><summary>Show answer</summary>
        A single number.
        </details>

        2. What is a vector?
        <details><summary>Show answer</summary>A one-dimensional array.</details>
        """,
    )
    assert questions(nodes) == ["What is a tensor?", "What is a scalar?", "What is a vector?"]
    assert [n.answer for n in nodes] == [
        "A multi-dimensional array.",
        "A single number.",
        "A one-dimensional array.",
    ]
    assert spans(nodes) == [(3, 7), (11, 13), (16, 17)]


def test_details_labelled_answer_in_html(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "folded.html",
        """
        <html><body>
        <h3>What is a tensor?</h3>
        <details><summary>Answer</summary><p>A multi-dimensional array.</p></details>
        <h3>What is a scalar?</h3>
        <details><summary>Answer</summary><p>A single number.</p></details>
        </body></html>
        """,
    )
    assert questions(nodes) == ["What is a tensor?", "What is a scalar?"]
    # The "**Answer**" label the reader makes of the summary is not part of the answer.
    assert [n.answer for n in nodes] == ["A multi-dimensional array.", "A single number."]
    assert spans(nodes) == [(2, 3), (4, 5)]


# -- 4. bold questions with "**Answer:**" lines ------------------------------------------


@pytest.mark.parametrize("gap", ["\n", ""], ids=["blank-lines", "no-blank-lines"])
def test_bold_questions_with_answer_lines(tmp_path: Path, gap: str) -> None:
    text = (
        "**What is a p-value?**\n"
        f"{gap}"
        "**Answer:** The probability of data at least as extreme under the null.\n"
        "\n"
        "**What is statistical power?**\n"
        f"{gap}"
        "**Answer:** The probability of rejecting a false null.\n"
        "It grows with the sample size.\n"
    )
    nodes = split(tmp_path, "bold.md", text)
    assert questions(nodes) == ["What is a p-value?", "What is statistical power?"]
    assert [n.answer for n in nodes] == [
        "The probability of data at least as extreme under the null.",
        "The probability of rejecting a false null.\nIt grows with the sample size.",
    ]
    second = 4 if not gap else 5
    assert spans(nodes) == [(1, 2 + len(gap)), (second, second + 2 + len(gap))]
    assert all(n.answered for n in nodes)


# -- 5. plain-text Q:/A: and "Question 3:" -----------------------------------------------


def test_plain_q_and_a_lines(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "qa.txt",
        """
        Q: What is a tensor?
        A: A multi-dimensional array.

        Q: What is a gradient?
        A: The vector of partial derivatives.
        It points uphill.
        """,
    )
    assert questions(nodes) == ["What is a tensor?", "What is a gradient?"]
    assert [n.answer for n in nodes] == [
        "A multi-dimensional array.",
        "The vector of partial derivatives.\nIt points uphill.",
    ]
    assert spans(nodes) == [(1, 2), (4, 6)]
    assert all(n.answered for n in nodes)


def test_question_n_and_answer_lines(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "numbered.txt",
        """
        Question 3: What is dropout?
        Answer: Randomly zeroing units during training.

        Question 4: Define batch normalisation.
        Answer: Normalising activations over each mini-batch.
        """,
    )
    assert questions(nodes) == ["What is dropout?", "Define batch normalisation."]
    assert [n.number for n in nodes] == ["3", "4"]
    assert [n.answer for n in nodes] == [
        "Randomly zeroing units during training.",
        "Normalising activations over each mini-batch.",
    ]
    assert spans(nodes) == [(1, 2), (4, 5)]


def test_questions_leading_their_paragraph(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "faq.txt",
        """
        Frequently asked questions

        How do I install it?
        Run pip install qagraph in a fresh virtual environment.

        Does it work offline?
        Yes, once the model is on disk.
        """,
    )
    assert questions(nodes) == ["How do I install it?", "Does it work offline?"]
    assert [n.answer for n in nodes] == [
        "Run pip install qagraph in a fresh virtual environment.",
        "Yes, once the model is on disk.",
    ]
    assert spans(nodes) == [(3, 4), (6, 7)]
    assert {n.section for n in nodes} == {"Frequently asked questions"}


# -- 6. placeholders ----------------------------------------------------------------------


def test_placeholder_answers_are_unanswered(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "placeholders.md",
        """
        # Questions

        1. What is a confusion matrix?

        Answer here

        2. What is recall?

        TODO

        3. What is precision?

        TBD

        4. Is accuracy enough for imbalanced data?

        Yes.

        5. What is the F1 score?

        [see here](http://x)

        6. What is specificity?
        """,
    )
    assert [n.number for n in nodes] == ["1", "2", "3", "4", "5", "6"]
    assert [n.answered for n in nodes] == [False, False, False, True, False, False]
    assert [n.answer for n in nodes][3] == "Yes."
    assert spans(nodes) == [(3, 5), (7, 9), (11, 13), (15, 17), (19, 21), (23, 23)]


# -- 7. FAQ pages in HTML -----------------------------------------------------------------


def test_html_faq_with_question_headings(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "faq.html",
        """
        <html><body>
        <h1>Product</h1>
        <p>Intro text about the product, which does many things well.</p>
        <h2>FAQ</h2>
        <h3>How do I install it?</h3>
        <p>Run pip install.</p>
        <h4>On Windows</h4>
        <p>Use the wheel.</p>
        <table><tr><th>os</th><th>command</th></tr><tr><td>linux</td><td>pip</td></tr></table>
        <h3>Does it work offline?</h3>
        <p>Yes, once the model is downloaded.</p>
        <pre><code>qagraph ingest docs
        </code></pre>
        </body></html>
        """,
    )
    assert questions(nodes) == ["How do I install it?", "Does it work offline?"]
    assert nodes[0].answer == (
        "Run pip install.\n\n#### On Windows\n\nUse the wheel.\n\n"
        "| os | command |\n| --- | --- |\n| linux | pip |"
    )
    assert nodes[1].answer == "Yes, once the model is downloaded.\n\n```\nqagraph ingest docs\n```"
    assert spans(nodes) == [(5, 9), (10, 12)]
    assert {n.section for n in nodes} == {"FAQ"}


def test_html_faq_definition_list(tmp_path: Path) -> None:
    # Each <dt> that asks a question is a question; its <dd> is the answer.
    nodes = split(
        tmp_path,
        "faq_dl.html",
        """
        <html><body>
        <h2>FAQ</h2>
        <dl>
          <dt>How do I install it?</dt>
          <dd><p>Run pip install.</p><p>Then run the setup.</p></dd>
          <dt>Does it work offline?</dt>
          <dd>Yes.</dd>
          <dt>Where are the logs kept?</dt>
          <dd>TBD</dd>
        </dl>
        </body></html>
        """,
    )
    assert questions(nodes) == [
        "How do I install it?",
        "Does it work offline?",
        "Where are the logs kept?",
    ]
    assert [n.answer for n in nodes] == ["Run pip install.\n\nThen run the setup.", "Yes.", "TBD"]
    assert spans(nodes) == [(4, 5), (6, 7), (8, 9)]
    assert [n.answered for n in nodes] == [True, True, False]
    assert {n.section for n in nodes} == {"FAQ"}


def test_glossary_definition_list_has_no_questions(tmp_path: Path) -> None:
    # Chosen behaviour: terms that do not read as questions (a glossary) make no nodes.
    nodes = split(
        tmp_path,
        "glossary.md",
        """
        # Glossary

        Overfitting
        :   Fitting the noise in the training data.

        Bias
        :   Systematic error of an estimator.
        """,
    )
    assert nodes == []


# -- 8. numbered questions with numbered steps --------------------------------------------

INDENTED_STEPS = """
# Workflow

1. How do you train a model?
   1. Load the data.
   2. Fit the model.
   3. Evaluate it.
2. How do you deploy a model?
   1. Export it.
   2. Serve it.
3. How do you monitor a model?
   Watch the metrics.
"""

FLUSH_STEPS = """
# Workflow

1. How do you train a model?

1. Load the data.
2. Fit the model.
3. Evaluate it.

2. How do you deploy a model?

1. Export it.
2. Serve it.

3. How do you monitor a model?

Watch the metrics.
"""


@pytest.mark.parametrize(
    ("text", "expected_spans"),
    [(INDENTED_STEPS, [(3, 6), (7, 9), (10, 11)]), (FLUSH_STEPS, [(3, 7), (9, 12), (14, 16)])],
    ids=["indented", "flush-left"],
)
def test_numbered_questions_keep_their_step_lists(
    tmp_path: Path, text: str, expected_spans: list[tuple[int, int]]
) -> None:
    nodes = split(tmp_path, "steps.md", text)
    assert questions(nodes) == [
        "How do you train a model?",
        "How do you deploy a model?",
        "How do you monitor a model?",
    ]
    assert [n.number for n in nodes] == ["1", "2", "3"]
    # The steps stay in the answer, without the indentation that nested them in the item.
    assert [n.answer for n in nodes] == [
        "1. Load the data.\n2. Fit the model.\n3. Evaluate it.",
        "1. Export it.\n2. Serve it.",
        "Watch the metrics.",
    ]
    assert spans(nodes) == expected_spans


def test_bullet_questions_with_nested_answers(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "bullets.md",
        """
        # Questions

        - What is a tensor?
            - a multi-dimensional array
            - generalises matrices
        - What is a scalar?
            - a single number
        """,
    )
    assert questions(nodes) == ["What is a tensor?", "What is a scalar?"]
    assert [n.answer for n in nodes] == [
        "  - a multi-dimensional array\n  - generalises matrices",
        "  - a single number",
    ]
    assert spans(nodes) == [(3, 5), (6, 7)]


# -- 9. sections with bold questions and sub-headings -------------------------------------


def test_sections_with_bold_questions_and_subheadings(tmp_path: Path) -> None:
    name = "sections.md"
    nodes = split(
        tmp_path,
        name,
        """
        # Guide

        ## Statistics

        **What is a p-value?**

        The probability of a result at least this extreme.

        #### Example

        A p-value of 0.03 means the result is rare under the null.

        **What is a confidence interval?**

        A range of plausible values.

        ## Machine learning

        **What is overfitting?**

        Fitting noise.

        #### Remedies

        - regularisation
        - more data

        **What is underfitting?**

        Too simple a model.
        """,
    )
    assert questions(nodes) == [
        "What is a p-value?",
        "What is a confidence interval?",
        "What is overfitting?",
        "What is underfitting?",
    ]
    assert [n.section for n in nodes] == [
        "Statistics",
        "Statistics",
        "Machine learning",
        "Machine learning",
    ]
    assert "#### Example" in nodes[0].answer
    assert nodes[2].answer == "Fitting noise.\n\n#### Remedies\n\n- regularisation\n- more data"
    assert spans(nodes) == [
        (line_of(tmp_path, name, "p-value?"), line_of(tmp_path, name, "0.03")),
        (line_of(tmp_path, name, "confidence"), line_of(tmp_path, name, "plausible")),
        (line_of(tmp_path, name, "overfitting?"), line_of(tmp_path, name, "more data")),
        (line_of(tmp_path, name, "underfitting?"), line_of(tmp_path, name, "Too simple")),
    ]


# -- 10. coding exercises -----------------------------------------------------------------


def test_coding_exercises_numbered_without_question_marks(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "exercises.md",
        """
        # Coding exercises

        1) Reverse a string

        ```python
        def rev(s):
            return s[::-1]
        ```

        2) Sum a list of numbers

        ```python
        def total(xs):
            return sum(xs)
        ```

        3) FizzBuzz
           ```python
           for i in range(1, 16):
               print("Fizz" if i % 3 == 0 else i)
           ```
        """,
    )
    assert questions(nodes) == ["Reverse a string", "Sum a list of numbers", "FizzBuzz"]
    assert [n.number for n in nodes] == ["1", "2", "3"]
    assert [n.answer for n in nodes] == [
        "```python\ndef rev(s):\n    return s[::-1]\n```",
        "```python\ndef total(xs):\n    return sum(xs)\n```",
        '```python\nfor i in range(1, 16):\n    print("Fizz" if i % 3 == 0 else i)\n```',
    ]
    assert spans(nodes) == [(3, 8), (10, 15), (17, 21)]
    assert all(n.answered for n in nodes)


# -- 11. no questions ---------------------------------------------------------------------


def test_prose_has_no_questions(tmp_path: Path) -> None:
    text = """
        # About this project

        This project collects notes about machine learning. It started in 2020 and has
        grown since then, with help from many people.

        Why does it exist?
        Because the notes were scattered over many places and were hard to search.

        We welcome contributions. Please open a pull request with your changes and a
        short description of what they do.

        ## License

        The code is released under the MIT license.
        """
    assert split(tmp_path, "about.md", text) == []
    plain = """
        Some thoughts on learning

        Learning is a lifelong process. It never really ends, and that is a good thing.

        Most people stop reading after school. That is a pity, as reading is cheap.
        """
    assert split(tmp_path, "thoughts.txt", plain) == []


# -- 12. repeated numbering ---------------------------------------------------------------


def test_repeated_numbers_and_questions_get_distinct_ids(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "repeated.md",
        """
        # Interview

        ## Statistics

        4. What is a p-value?

        The probability of a result at least this extreme under the null.

        5. What is power?

        One minus the type II error rate.

        ## Machine learning

        5. What is power?

        Here: the compute budget of a training run.

        6. What is bagging?

        Bootstrap aggregation.
        """,
    )
    assert [n.number for n in nodes] == ["4", "5", "5", "6"]
    assert questions(nodes) == [
        "What is a p-value?",
        "What is power?",
        "What is power?",
        "What is bagging?",
    ]
    assert [n.section for n in nodes] == [
        "Statistics",
        "Statistics",
        "Machine learning",
        "Machine learning",
    ]
    assert len({n.id for n in nodes}) == 4
    assert spans(nodes) == [(5, 7), (9, 11), (15, 17), (19, 21)]


# -- 13. Windows line endings and a byte-order mark ---------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "crlf.md",
            "# FAQ\n\n### Q: What is a tensor?\nA multi-dimensional array.\n\n"
            "### Q: What is a scalar?\nA single number.\n",
        ),
        (
            "crlf.txt",
            "Q: What is a tensor?\nA: A multi-dimensional array.\n\n"
            "Q: What is a scalar?\nA: A single number.\n",
        ),
        (
            "crlf.html",
            "<html><body>\n<h2>FAQ</h2>\n<h3>What is a tensor?</h3>\n"
            "<p>A multi-dimensional array.</p>\n"
            "<h3>What is a scalar?</h3>\n<p>A single number.</p>\n</body></html>\n",
        ),
    ],
)
def test_windows_line_endings_and_bom(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    nodes = split_document(read_document(path))
    assert questions(nodes) == ["What is a tensor?", "What is a scalar?"]
    assert [n.answer for n in nodes] == ["A multi-dimensional array.", "A single number."]
    lines = text.splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if "What is" in line]
    assert spans(nodes) == [(starts[0], starts[0] + 1), (starts[1], starts[1] + 1)]
    assert not any("\r" in n.answer or "\ufeff" in n.question for n in nodes)
