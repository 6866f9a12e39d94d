"""The splitter on the bundled corpus: node counts and answer boundaries."""

from __future__ import annotations

from collections import Counter

import pytest

from qagraph.ingest.pipeline import bundled_corpus
from qagraph.ingest.readers import read_document
from qagraph.ingest.split import split_document
from qagraph.kb.records import QANode


def _nodes(prefix: str) -> list[QANode]:
    (path,) = sorted(bundled_corpus().glob(f"{prefix}_*.txt"))
    return split_document(read_document(path))


def _by_number(nodes: list[QANode], number: str, *, section: str | None = None) -> QANode:
    hits = [n for n in nodes if n.number == number and (section is None or n.section == section)]
    assert len(hits) == 1, [(n.number, n.section) for n in hits]
    return hits[0]


@pytest.mark.parametrize(
    ("prefix", "answered", "unanswered"),
    [("000", 6, 0), ("001", 25, 0), ("002", 16, 7), ("003", 46, 0), ("004", 65, 0)],
)
def test_node_counts(prefix: str, answered: int, unanswered: int) -> None:
    nodes = _nodes(prefix)
    assert sum(n.answered for n in nodes) == answered
    assert sum(not n.answered for n in nodes) == unanswered


def test_ids_are_unique_and_stable() -> None:
    first = [n.id for p in ("000", "001", "002", "003", "004") for n in _nodes(p)]
    again = [n.id for p in ("000", "001", "002", "003", "004") for n in _nodes(p)]
    assert len(set(first)) == len(first) == 165
    assert first == again


def test_q_marker_document_ends_answers_before_footer() -> None:
    nodes = _nodes("000")
    assert all(not n.number for n in nodes)
    assert nodes[0].question == "Why is Rectified Linear Unit a good activation function?"
    assert nodes[0].answer.startswith("The Rectified Linear Unit, also known as the ReLU")
    last = nodes[-1]
    assert (last.line_start, last.line_end) == (25, 30)
    assert "Thanks for Reading" not in last.answer


def test_numbered_questions_with_title_questions_and_faq() -> None:
    nodes = _nodes("001")
    numbered = [n for n in nodes if n.number]
    assert [int(n.number) for n in numbered] == list(range(1, 21))
    unnumbered = [n.question for n in nodes if not n.number]
    assert unnumbered[0].startswith("What Is the Interview Process Like")
    assert unnumbered[1].startswith("What Questions Are Asked")
    assert len(unnumbered) == 5
    # The interview stages "1. Initial Discussion ..." are a list inside the first answer.
    process = nodes[0]
    assert "1. Initial Discussion with a Recruiter" in process.answer
    assert "4. In-Person Interviews" in process.answer
    assert process.line_end == 35
    # "How to Answer" and "Example" belong to their question.
    q1 = _by_number(nodes, "1")
    assert "How to Answer" in q1.answer and "Example" in q1.answer
    assert (q1.line_start, q1.line_end) == (41, 51)
    # Code that lost its indentation stays in the answer, fenced.
    q8 = _by_number(nodes, "8")
    assert "```" in q8.answer and "def prime_numbers(N):" in q8.answer
    assert "# Initialize a boolean array" in q8.answer
    assert q8.line_end == 179
    # The last numbered answer ends before the next section title.
    q20 = _by_number(nodes, "20")
    assert q20.line_end == 397 and "How to Prepare" not in q20.answer
    salary = [n for n in nodes if n.question.startswith("How much do machine learning")][0]
    assert salary.section == "FAQs"
    assert "Average Base Salary" in salary.answer and salary.line_end == 466


def test_unanswered_bullet_questions() -> None:
    nodes = _nodes("002")
    listed = [n for n in nodes if not n.answered]
    assert [n.line_start for n in listed] == list(range(92, 99))
    assert listed[0].question == "What’s the trade-off between bias and variance?"
    assert all(n.answer == "" for n in listed)
    q16 = _by_number(nodes, "16")
    assert q16.answer == "Same as the last question!"
    assert q16.line_end == 88
    q2 = _by_number(nodes, "2")
    assert q2.answer.count("\n- ") == 5  # the "•" bullets, as a markdown list


def test_tables_sections_and_topic_blocks() -> None:
    nodes = _nodes("003")
    counts = Counter(n.section for n in nodes if n.number)
    assert counts == {"Core ML Concepts": 25, "ML Coding Questions": 6, "FAANG+ Questions": 8}
    q2 = _by_number(nodes, "2", section="Core ML Concepts")
    assert q2.question == "Explain the bias-variance tradeoff."
    assert q2.answer.startswith("| Bias | Variance | |")
    assert q2.answer.endswith("regularization techniques.")
    topics = [n.question for n in nodes if not n.number]
    assert "Design: Spotify Recommendation System" in topics
    assert "Design: ETA System for Maps" in topics
    assert "ML System Design" not in topics and "FAANG+ Questions" not in topics
    spotify = [n for n in nodes if n.question == "Design: Spotify Recommendation System"][0]
    assert "Step 5 — Deployment" in spotify.answer
    assert (spotify.line_start, spotify.line_end) == (294, 313)
    kmeans = _by_number(nodes, "5", section="ML Coding Questions")
    assert "class KMeans:" in kmeans.answer and kmeans.line_end == 271


def test_repeated_numbering_and_nested_lists() -> None:
    nodes = _nodes("004")
    assert len([n for n in nodes if n.number == "57"]) == 2
    assert len({n.id for n in nodes}) == 65
    q10 = _by_number(nodes, "10")
    assert "Recall: What proportion" in q10.answer  # questions inside answers stay there
    q26 = _by_number(nodes, "26")
    assert "How would you evaluate the predictions" in q26.answer
    q44 = _by_number(nodes, "44")
    assert "1. What kind of model did the co-worker develop?" in q44.answer
    q35 = _by_number(nodes, "35")
    assert q35.question == "k-Means from Scratch" and q35.answered
    q25 = _by_number(nodes, "25")
    assert q25.line_end == 146
    assert _by_number(nodes, "26").section == "Case Study Machine Learning Interview Questions"
    q17 = _by_number(nodes, "17")
    assert "Neural Network Explanation" in q17.answer and q17.line_end == 112
