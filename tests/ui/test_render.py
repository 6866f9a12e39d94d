"""Markdown rendering of answers, citations, warnings and excerpts."""

from __future__ import annotations

from qagraph.kb import QANode
from qagraph.ui import render
from qagraph.ui.excerpts import Excerpt

TABLE_ANSWER = "Compare:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n\ny = 2\n```"


def node(**kw) -> QANode:
    base = dict(
        id="qa_1",
        source="notes.md",
        number="12",
        section="Basics",
        question="What is x?",
        answer=TABLE_ANSWER,
        line_start=40,
        line_end=52,
        answered=True,
        concepts=("x",),
    )
    return QANode(**(base | kw))


def test_citation_names_file_number_section_and_lines() -> None:
    assert render.citation(node()) == "notes.md #12, Basics, lines 40-52"
    line = render.citation_md(node())
    assert "**notes.md**" in line and "#12" in line and "*Basics*" in line
    assert "lines 40–52" in line
    single = render.citation_md(node(number=None, section=None, line_end=40))
    assert single == "**notes.md** · line 40"


def test_quote_keeps_tables_and_code_lines() -> None:
    quoted = render.quote(TABLE_ANSWER)
    assert "> | a | b |" in quoted and "> ```python" in quoted
    assert "\n>\n" in quoted  # blank lines stay inside the quotation
    assert all(line.startswith(">") for line in quoted.splitlines())


def test_answer_has_question_quotation_citation_and_extras() -> None:
    other = node(id="qa_2", source="faq.txt", number=None, question="Define x")
    contra = {
        "a": "qa_1",
        "b": "qa_2",
        "kind": "negation",
        "evidence_a": "x is big",
        "evidence_b": "x is not big",
        "score": 0.91,
    }
    text = render.answer_md(node(), also=[other], contradictions=[contra], resolved="what is x?")
    assert text.startswith("*Read as:* “what is x?”")
    assert "**Q:** What is x?" in text
    assert "> | 1 | 2 |" in text
    assert "— **notes.md** · #12" in text
    assert "**Also answered in**" in text and "**faq.txt**" in text and "*Define x*" in text
    assert "⚠ **The sources disagree.**" in text
    assert "“x is big”" in text and "“x is not big”" in text and "confidence 0.91" in text


def test_an_unanswered_node_says_so() -> None:
    text = render.answer_md(node(answered=False, answer=""), note="listed without an answer")
    assert "without an answer" in text


def test_abstention_is_honest_and_offers_a_way_forward() -> None:
    text = render.abstain_md("No answer to quote.", [node()], buttons=True)
    assert text.startswith("**Not in the knowledge base.** No answer to quote.")
    assert "Nearby questions it does answer" in text and "pick one below" in text
    far = render.abstain_md("No answer.", covers=["Core ML Concepts"])
    assert "It covers topics such as: Core ML Concepts." in far


def test_excerpt_numbers_lines_and_survives_fences_inside() -> None:
    ex = Excerpt([(9, "```"), (10, "code")], truncated=3, note="the file has changed")
    text = render.excerpt_md(ex)
    assert text.startswith("````text\n") and " 9 │ ```" in text and "10 │ code" in text
    assert "3 more lines" in text and "the file has changed" in text
    assert "cannot be read" in render.excerpt_md(None)


def test_node_md_marks_the_evidence() -> None:
    text = render.node_md(node(answer="One. Two is here. Three."), highlight="Two is here.")
    assert "<mark>Two is here.</mark>" in text and "*Concepts:* x" in text


def test_a_long_answer_announces_its_contradiction_at_the_top() -> None:
    contra = {
        "a": "qa_1",
        "b": "qa_2",
        "kind": "number",
        "evidence_a": "1",
        "evidence_b": "2",
        "score": 0.5,
    }
    long_node = node(answer="\n".join(f"line {i}" for i in range(20)))
    text = render.answer_md(long_node, contradictions=[contra])
    assert text.startswith("⚠ *The sources disagree on this answer")
    short = render.answer_md(node(answer="One line."), contradictions=[contra])
    assert short.startswith("**Q:**")
    assert short.index("The sources disagree") < len(short)


def test_contradiction_records_render_like_dicts() -> None:
    from qagraph.kb.records import Contradiction

    record = Contradiction("qa_1", "qa_2", "number", "x is 1", "x is 2", 0.7)
    text = render.contradictions_md([record], None)
    assert "**number** (confidence 0.70)" in text and "“x is 2”" in text
