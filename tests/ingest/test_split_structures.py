"""The parse-first splitter on the structures real GitHub Q&A pages use.

Each test writes a small document in one structure (written here, not copied from any
public file) and checks the questions, their answers and their line spans, so that the
rule behind each structure is pinned down on its own.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from qagraph.cli import main
from qagraph.ingest.readers import read_document
from qagraph.ingest.split import inspect_document, split_document
from qagraph.kb.records import QANode


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def split(tmp_path: Path, name: str, text: str) -> list[QANode]:
    return split_document(read_document(write(tmp_path, name, text)))


def questions(nodes: list[QANode]) -> list[str]:
    return [n.question for n in nodes]


FOLDED_WITH_LABELS = """
    # Interview questions

    ## Table of Contents

    - [What is overfitting?](#what-is-overfitting)
    - [What is bias?](#what-is-bias)
    - [What is variance?](#what-is-variance)

    ## Basics

    ### What is overfitting?

    <details><summary>Show Answer 👀</summary>

    Overfitting is when a model memorises noise.

    </details>

    ### What is bias?

    <details>
    <summary><b>🔎 Solution</b></summary>

    Bias is systematic error.

    </details>

    ### What is variance?

    <details><summary>Réponse</summary>

    Variance is sensitivity to the training sample.

    </details>

    [⬆ Back to top](#table-of-contents)
    """


def test_folded_answers_under_a_label_answer_the_question_above(tmp_path: Path) -> None:
    nodes = split(tmp_path, "folded.md", FOLDED_WITH_LABELS)
    assert questions(nodes) == ["What is overfitting?", "What is bias?", "What is variance?"]
    assert [n.answer for n in nodes] == [
        "Overfitting is when a model memorises noise.",
        "Bias is systematic error.",
        "Variance is sensitivity to the training sample.",
    ]
    # From the question to the answer's last line (the closing tag is markup only).
    assert [(n.line_start, n.line_end) for n in nodes] == [(11, 15), (19, 24), (28, 32)]


def test_a_label_in_any_language_is_known_by_repetition(tmp_path: Path) -> None:
    blocks = "\n".join(
        f"**Question {i}: what is term {i}?**\n\n<details><summary>Réponse</summary>\n\n"
        f"Term {i} is a thing.\n\n</details>\n"
        for i in range(1, 5)
    )
    nodes = split(tmp_path, "fr.md", blocks)
    assert len(nodes) == 4
    assert all(n.answered and n.answer.startswith("Term") for n in nodes)


def test_question_in_the_summary_owns_everything_in_its_fold(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "fold.md",
        """
        <details>
        <summary><b>Server A can't reach server B. What do you check?</b></summary><br>

        Go up the stack:

        1. **Link**: is the cable in? Is the port up?

        2. **Network**: is there a route? Does a firewall drop it?

        </details>

        <details>
        <summary><b>What is a zombie process?</b></summary><br>

        A process that exited but was not reaped.

        </details>
        """,
    )
    assert questions(nodes) == [
        "Server A can't reach server B. What do you check?",
        "What is a zombie process?",
    ]
    assert "Does a firewall drop it?" in nodes[0].answer


def test_a_table_of_contents_is_never_a_node(tmp_path: Path) -> None:
    report = inspect_document(read_document(write(tmp_path, "toc.md", FOLDED_WITH_LABELS)))
    assert all("Contents" not in n.question for n in report.nodes)
    reasons = {s.reason for s in report.skipped}
    assert any("table of contents" in r for r in reasons)
    assert "link back into the document" in reasons


def test_a_table_of_contents_as_a_table_of_links(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "table_toc.md",
        """
        | Chapter | Questions |
        |---|---|
        | [Networking](#networking) | 2 |
        | [Storage](#storage) | 1 |

        ## Networking

        ### What is a subnet?
        A range of addresses.

        ### What is NAT?
        Address translation.

        ## Storage

        ### What is RAID?
        Redundant disks.
        """,
    )
    assert questions(nodes) == ["What is a subnet?", "What is NAT?", "What is RAID?"]


def test_numbering_that_restarts_in_each_section(tmp_path: Path) -> None:
    sections = []
    for name, count in (("Statistics", 3), ("Modelling", 4)):
        items = [
            f"**{i}.** What is {name.lower()} idea {i}?\n\nIt is idea {i}.\n"
            for i in range(1, count + 1)
        ]
        sections.append(f"## {name}\n\n" + "\n".join(items))
    text = "# Questions\n\n" + "\n".join(sections)
    # A step list inside an answer, numbered like the questions but tight.
    text = text.replace(
        "It is idea 2.\n", "It is idea 2. Steps:\n\n**1.** State it.\n**2.** Test it.\n", 1
    )
    nodes = split(tmp_path, "restart.md", text)
    assert len(nodes) == 7
    assert "**2.** Test it." in nodes[1].answer
    assert [n.section for n in nodes] == ["Statistics"] * 3 + ["Modelling"] * 4


def test_a_fence_left_open_in_a_list_item_ends_with_the_item(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "open_fence.md",
        """
        # Python

        1. How do you reverse a list?
           ```python
           xs[::-1]
        2. How do you sort a dict by value?
           Use sorted with a key.
        3. What is a generator?
           A function that yields.
        """,
    )
    assert questions(nodes) == [
        "How do you reverse a list?",
        "How do you sort a dict by value?",
        "What is a generator?",
    ]
    assert nodes[0].answer == "```python\nxs[::-1]\n```"


def test_titled_entries_among_questions(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "entries.md",
        """
        # ML topics

        ### Cross Validation

        Splits the data into folds and averages the score.

        ### What is a decision tree?

        A tree of if-else splits.

        ### Gradient Boosting

        Fits trees to residuals.

        ### Why do forests overfit less than trees?

        Averaging lowers variance.
        """,
    )
    assert questions(nodes) == [
        "Cross Validation",
        "What is a decision tree?",
        "Gradient Boosting",
        "Why do forests overfit less than trees?",
    ]
    assert all(n.answered for n in nodes)


def test_headings_a_table_of_contents_lists_are_entries(tmp_path: Path) -> None:
    text = """
        # Deep learning notes

        ## Contents
        1. [Activation functions](#activation-functions)
        2. [Dropout](#dropout)
        3. [Batch normalization](#batch-normalization)

        ## Activation functions
        Non-linear functions applied after each layer.

        ## Dropout
        Randomly zeroes activations during training.

        ## Batch normalization
        Normalizes layer inputs over the mini-batch.
        """
    nodes = split(tmp_path, "notes.md", text)
    assert questions(nodes) == ["Activation functions", "Dropout", "Batch normalization"]
    # Without the table of contents nothing says these headings are entries.
    bare = text.replace("1. [Activation", "").replace("2. [Dropout](#dropout)", "")
    bare = bare.replace("3. [Batch normalization](#batch-normalization)", "")
    assert split(tmp_path, "bare.md", bare.replace("(#activation-functions)", "")) == []


def test_question_text_is_normalised_but_citations_keep_the_lines(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "display.md",
        """
        ### 𝐖𝐡𝐚𝐭 𝐢𝐬 𝐚 𝐫𝐚𝐧𝐝𝐨𝐦 𝐟𝐨𝐫𝐞𝐬𝐭?

        Many decorrelated trees.

        ### What is [bagging](https://example.org/bagging)? [[src](http://example.com/q)] ###

        Bootstrap aggregating.

        ### :star: <a name="boost"></a>What is <b>boosting</b>?

        Sequential weak learners.
        """,
    )
    assert questions(nodes) == [
        "What is a random forest?",
        "What is bagging?",
        "What is boosting?",
    ]
    assert [n.line_start for n in nodes] == [1, 5, 9]


def test_question_answer_tables(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "table.md",
        """
        # Quick questions

        | Question | Answer |
        |---|---|
        | What is AUC? | The area under the ROC curve. |
        | What is recall? | TP / (TP + FN). |
        | What is precision? | TP / (TP + FP). |
        """,
    )
    assert questions(nodes) == ["What is AUC?", "What is recall?", "What is precision?"]
    assert [n.answer for n in nodes][0] == "The area under the ROC curve."
    assert [(n.line_start, n.line_end) for n in nodes] == [(5, 5), (6, 6), (7, 7)]


def test_a_table_of_facts_is_not_a_question_table(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "facts.md",
        """
        ## What are the common ports?

        | Service | Port |
        |---|---|
        | SMTP | 25 |
        | HTTP | 80 |
        """,
    )
    assert questions(nodes) == ["What are the common ports?"]
    assert "| SMTP | 25 |" in nodes[0].answer


def test_headings_written_as_html_in_markdown(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "html_heads.md",
        """
        <h1 align="center">ML Questions</h1>

        [![stars](https://img.shields.io/x.svg)](https://github.com/x) [![l](https://img.shields.io/l.svg)](LICENSE)

        <h3 name="svm">
        What is a support vector machine?
        </h3>

        A max-margin linear classifier.

        <h3 name="kernel">What is the kernel trick?</h3>

        Inner products in a feature space.
        """,
    )
    assert questions(nodes) == ["What is a support vector machine?", "What is the kernel trick?"]
    assert [n.line_start for n in nodes] == [6, 11]


def test_an_anchor_only_heading_asks_nothing(tmp_path: Path) -> None:
    nodes = split(tmp_path, "anchor.md", '## <a name="setup"></a>\n\n1. Install it\n2. Run it\n')
    assert all(n.question.strip() for n in nodes)


@pytest.mark.parametrize("as_json", [False, True])
def test_inspect_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], as_json: bool) -> None:
    one = write(tmp_path, "folded.md", FOLDED_WITH_LABELS)
    two = write(
        tmp_path, "qa.md", "Q: What is a tensor?\nA: An array.\n\nQ: What is a rank?\nA: 2.\n"
    )
    status = main(["inspect", str(one), str(two), *(["--json"] if as_json else [])])
    out = capsys.readouterr().out
    assert status == 0
    if as_json:
        docs = json.loads(out)["documents"]
        assert [d["questions"] for d in docs] == [3, 2]
        first = docs[0]["nodes"][0]
        assert (first["line_start"], first["rule"]) == (11, "heading h3")
        assert any("table of contents" in s["reason"] for s in docs[0]["skipped_lines"])
    else:
        assert "folded.md" in out and "total" in out
        main(["inspect", str(one)])
        detail = capsys.readouterr().out
        assert "L11-15  What is overfitting?" in detail and "rule: heading h3" in detail
        assert "skipped L3-3: heading of a table of contents" in detail


def test_inspect_reports_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "/nonexistent/file.md"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_html_citations_start_on_the_question_line(tmp_path: Path) -> None:
    # BeautifulSoup folds the blank lines between tags to one newline: counting newlines
    # through them put the question one line too low.
    page = "<p>Why is the sky blue?</p>\n\n\n<p>Because of &quot;Rayleigh&quot; scattering.</p>\n"
    nodes = split(tmp_path, "sky.html", page)
    assert [(n.question, n.line_start, n.line_end) for n in nodes] == [
        ("Why is the sky blue?", 1, 4)
    ]


def test_bold_numbers_with_the_period_outside_the_bold(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "bold_numbers.md",
        """
        ## Section

        **1.** Import pandas under the alias `pd`.

        ```python
        import pandas as pd
        ```

        **2**. Print the version of pandas.

        ```python
        pd.__version__
        ```

        **3**. Show the configuration.

        ```python
        pd.show_versions()
        ```
        """,
    )
    assert [n.number for n in nodes] == ["1", "2", "3"]
    assert nodes[1].answer == "```python\npd.__version__\n```"


def test_inline_triple_backticks_open_no_fence(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "inline.md",
        "## What does %matplotlib inline do?\n\n```%matplotlib inline``` draws plots "
        "in the notebook.\n\n## What is a figure?\n\nA canvas.\n",
    )
    assert nodes[0].answer == "```%matplotlib inline``` draws plots in the notebook."


def test_a_numbered_title_over_question_headings_is_a_section(tmp_path: Path) -> None:
    nodes = split(
        tmp_path,
        "sections.md",
        """
        ## 1. Getting started

        ### 1.1. How do I install it?

        Run the installer.

        ### 1.2. How do I update it?

        Run it again.

        ## 2. Technical

        ### 2.1. Why is it slow?

        Caching is off.
        """,
    )
    assert [n.question for n in nodes] == [
        "How do I install it?",
        "How do I update it?",
        "Why is it slow?",
    ]
    assert [n.number for n in nodes] == ["1.1", "1.2", "2.1"]
    assert [n.section for n in nodes] == ["Getting started"] * 2 + ["Technical"]
