"""The chat handler: cited answers, sources, contradictions, concepts, follow-ups, abstention."""

from __future__ import annotations

import dataclasses

import kbfixture

from qagraph.ui.handlers import chat

L1_L2 = "What is the difference between L1 and L2 regularization?"


def test_an_answer_is_quoted_and_cited(ui_state) -> None:
    reply = chat.reply(ui_state.snapshot, L1_L2)
    assert not reply.abstained
    text = reply.markdown
    assert "**Q:** What is the use of regularization?" in text
    assert "> Both L1 and L2 regularization are methods" in text
    assert "— **000_bf0be15a9e8227b4.txt** · lines 5–8" in text


def test_the_contradiction_warning_names_both_sides(ui_state) -> None:
    text = chat.reply(ui_state.snapshot, L1_L2).markdown
    assert "⚠ **The sources disagree.**" in text
    assert kbfixture.EVIDENCE_A in text and kbfixture.EVIDENCE_B in text
    assert "**004_b005460a21cad71f.txt** · #14" in text


def test_related_concepts_become_buttons(ui_state) -> None:
    reply = chat.reply(ui_state.snapshot, L1_L2)
    values = [o["value"] for o in reply.options]
    assert "l1 regularization" in values and "l2 regularization" in values
    assert all(o["label"] for o in reply.options)
    assert "click one below" in reply.markdown


def test_the_sources_panel_shows_the_original_lines(ui_state) -> None:
    reply = chat.reply(ui_state.snapshot, L1_L2)
    sources = reply.sources
    assert sources.startswith("**1. What is the use of regularization?")
    assert "quoted" in sources and "<details><summary>Original text, lines 5–8</summary>" in sources
    assert "5 │ Q: What is the use of regularization?" in sources
    # The other side of the contradiction is one click away too.
    assert "What’s the difference between Lasso and Ridge Regression?" in sources
    assert reply.turn["sources"] == sources


def test_an_out_of_scope_question_is_refused_with_suggestions(ui_state) -> None:
    reply = chat.reply(ui_state.snapshot, "Who won the football world cup in 2018?")
    assert reply.abstained
    assert reply.markdown.startswith("**Not in the knowledge base.**")
    assert "It covers topics such as" in reply.markdown or "Nearby questions" in reply.markdown
    assert "> " not in reply.markdown  # nothing is quoted
    assert "No source quoted" in reply.sources


def test_a_follow_up_reuses_the_conversation_concepts(ui_state) -> None:
    first = chat.reply(ui_state.snapshot, "What is L1 regularization?")
    assert first.turn["concepts"][:1] == ["l1 regularization"]
    follow = chat.reply(ui_state.snapshot, "and what about L2?", [first.turn])
    assert follow.turn["query"] == "What is L2 regularization?"
    assert follow.turn["kind"] == "substitute"
    assert follow.markdown.startswith("*Read as:* “What is L2 regularization?”")


def test_why_leans_on_the_previous_topic(ui_state) -> None:
    first = chat.reply(ui_state.snapshot, "Explain dropout in neural networks")
    follow = chat.reply(ui_state.snapshot, "why?", [first.turn])
    assert follow.turn["kind"] == "bare" and "dropout" in follow.turn["query"]


def test_a_question_naming_a_new_topic_is_answered_on_that_topic(ui_state) -> None:
    # Reported: read as "Explain PCA and bias-variance tradeoff's significance." and
    # answered with the bias-variance node.
    first = chat.reply(ui_state.snapshot, "Explain the bias-variance tradeoff")
    reply = chat.reply(ui_state.snapshot, "Explain PCA and its significance.", [first.turn])
    assert reply.turn["kind"] == "" and reply.turn["query"] == "Explain PCA and its significance."
    assert "Read as" not in reply.markdown
    assert "**Q:** Explain PCA and its significance." in reply.markdown


def test_buttons_are_not_read_as_follow_ups(ui_state) -> None:
    first = chat.reply(ui_state.snapshot, "What is L1 regularization?")
    reply = chat.reply(ui_state.snapshot, "overfitting", [first.turn], followup=False)
    assert reply.turn["query"] == "overfitting" and reply.turn["kind"] == ""


def test_empty_and_unavailable(ui_state) -> None:
    assert "Ask a question" in chat.reply(ui_state.snapshot, "   ").markdown
    broken = dataclasses.replace(ui_state.snapshot, retriever=None, retrieval_error="no faiss")
    reply = chat.reply(broken, "what is PCA?")
    assert "Retrieval not available" in reply.markdown and "no faiss" in reply.markdown


def test_a_turn_runs_one_search_per_reading(ui_state, monkeypatch) -> None:
    """A follow-up ending in abstention once ran four searches; one reading runs one."""
    retriever = ui_state.snapshot.retriever
    queries: list[str] = []
    search = type(retriever).search

    def counting(self, query, **kwargs):
        queries.append(query)
        return search(self, query, **kwargs)

    monkeypatch.setattr(type(retriever), "search", counting)
    first = chat.reply(ui_state.snapshot, "What is L1 regularization?")
    assert len(queries) == 1
    queries.clear()
    refused = chat.reply(ui_state.snapshot, "and what about the football world cup?", [first.turn])
    assert refused.abstained and len(queries) == 1
    queries.clear()
    # A pronoun rewrite has two readings, the message as typed and the rewrite: two searches.
    follow = chat.reply(ui_state.snapshot, "why is it useful?", [first.turn])
    assert follow.turn["kind"] in {"pronoun", "bare", "substitute", "fresh"}
    assert len(queries) == (2 if follow.turn["kind"] == "pronoun" else 1)
