"""Embedding units: answers are split to fit the encoder, never truncated."""

from __future__ import annotations

import re

import pytest

from qagraph.encoders import HashingEncoder
from qagraph.index.units import UnitConfig, build_units, node_units, split_text
from qagraph.kb.records import QANode


def _node(answer: str, question: str = "What is gradient descent?", answered: bool = True):
    return QANode("qa_1", "a.txt", None, None, question, answer, 1, 9, answered)


def _long_answer() -> str:
    paragraph = " ".join(f"Sentence {i} talks about gradients and losses." for i in range(12))
    lines = "\n".join(f"- item {i} with several words in it" for i in range(30))
    return f"{paragraph}\n\n{lines}\n\n" + "word " * 200 + "\n\n" + "x" * 300


def _content(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("max_tokens", [8, 16, 40, 256])
def test_chunks_fit_and_cover_the_whole_answer(max_tokens: int) -> None:
    encoder = HashingEncoder(max_tokens=max_tokens)
    answer = _long_answer()
    units = node_units(_node(answer), encoder)
    chunks = [u for u in units if u.kind == "answer"]
    assert all(encoder.count_tokens(u.text) <= max_tokens for u in units)
    # Consecutive, non-overlapping spans whose text is the answer verbatim.
    assert [u.chunk for u in chunks] == list(range(len(chunks)))
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:], strict=False))
    assert all(u.text == answer[u.start : u.end] for u in chunks)
    assert _content("".join(u.text for u in chunks)) == _content(answer)


def test_short_answer_is_one_chunk_and_question_is_its_own_unit() -> None:
    units = node_units(_node("Follow the negative gradient."), HashingEncoder())
    assert [(u.kind, u.chunk, u.text) for u in units] == [
        ("question", 0, "What is gradient descent?"),
        ("answer", 0, "Follow the negative gradient."),
        ("field", 0, "What is gradient descent?\nFollow the negative gradient."),
    ]


def test_field_unit_holds_the_answer_opening_that_fits() -> None:
    encoder = HashingEncoder(max_tokens=16)
    units = node_units(_node(_long_answer()), encoder, UnitConfig())
    (field,) = [u for u in units if u.kind == "field"]
    assert field.text.startswith("What is gradient descent?\n")
    assert encoder.count_tokens(field.text) <= 16
    assert field.text.endswith(_long_answer()[: field.end].strip())
    assert not [
        u
        for u in node_units(_node(_long_answer()), encoder, UnitConfig(field_chars=0))
        if u.kind == "field"
    ]


def test_chunks_prefer_paragraph_boundaries() -> None:
    encoder = HashingEncoder(max_tokens=12)
    answer = "one two three four five\n\nsix seven eight nine ten"
    spans = split_text(answer, lambda t: encoder.count_tokens(t) <= 7)
    assert [answer[s:e] for s, e in spans] == [
        "one two three four five",
        "six seven eight nine ten",
    ]


def test_question_prefix_counts_against_the_budget() -> None:
    encoder = HashingEncoder(max_tokens=16)
    units = node_units(_node(_long_answer()), encoder, UnitConfig(question_prefix_words=3))
    answers = [u for u in units if u.kind == "answer"]
    assert all(u.text.startswith("What is gradient ...\n") for u in answers)
    assert all(encoder.count_tokens(u.text) <= 16 for u in units)


def test_unanswered_nodes_embed_only_the_question() -> None:
    units = build_units([_node("Answer here", answered=False)], HashingEncoder())
    assert [u.kind for u in units] == ["question"]


def test_negative_prefix_is_rejected() -> None:
    with pytest.raises(ValueError, match="question_prefix_words"):
        UnitConfig(question_prefix_words=-1)


def test_chunk_budget_can_be_lowered_but_never_raised() -> None:
    encoder = HashingEncoder(max_tokens=40)
    small = node_units(_node(_long_answer()), encoder, UnitConfig(max_tokens=16))
    assert all(encoder.count_tokens(u.text) <= 16 for u in small if u.kind == "answer")
    large = node_units(_node(_long_answer()), encoder, UnitConfig(max_tokens=4000))
    assert all(encoder.count_tokens(u.text) <= 40 for u in large)
    with pytest.raises(ValueError, match="max_tokens"):
        UnitConfig(max_tokens=2)
