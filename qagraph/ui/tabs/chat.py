"""The Chat tab: the conversation on the left, the sources of the selected answer on the right."""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from qagraph.ui import render
from qagraph.ui.handlers import chat
from qagraph.ui.state import AppState

logger = logging.getLogger(__name__)

EXAMPLES = (
    "What is the difference between L1 and L2 regularization?",
    "How do you handle missing data in a dataset?",
    "Explain the bias-variance tradeoff",
    "Who won the football world cup in 2018?",
)
PLACEHOLDER = (
    "### Ask about anything in your notes\n"
    "Every answer is quoted from a source and cited down to the line. "
    "Follow-ups such as *“and what about L2?”* or *“why?”* continue the last topic."
)
# After an answer, bring the question to the top of the chat, so a long quotation is read from
# its start rather than from the bottom where autoscroll would leave it.
SCROLL_JS = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chat .bubble-wrap');
  const users = document.querySelectorAll('#chat .user');
  if (!wrap || !users.length) return;
  const last = users[users.length - 1];
  wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 8;
}, 120); }"""
SOURCES_EMPTY = "*Ask a question: the sources of the answer appear here, with their original text.*"


def _text(content: Any) -> str:
    """The text of a message's content, in any of the shapes Gradio hands back."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("value") or "")
    if isinstance(content, list):
        return "\n".join(_text(c) for c in content)
    return ""


def _plain(history: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    # Old messages lose their buttons: Gradio shows options only under the last message, and
    # a stale button would ask about an earlier answer's concepts.
    return [{"role": m["role"], "content": _text(m.get("content"))} for m in history or []]


def respond(
    state: AppState,
    message: str,
    history: list[dict[str, Any]] | None,
    turns: list[dict[str, Any]] | None,
    *,
    followup: bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str, str]:
    """Append the user's message and the reply; returns (history, turns, sources, textbox)."""
    message = (message or "").strip()
    if not message:
        return _plain(history), list(turns or []), gr.skip(), ""
    reply = chat.reply(state.snapshot, message, turns or [], followup=followup)
    new_history = _plain(history) + [
        # As markdown, the message could load an image too: typed or from a concept button.
        {"role": "user", "content": render.markdown(message)},
        {"role": "assistant", "content": reply.markdown, "options": reply.options},
    ]
    return new_history, [*(turns or []), reply.turn], _sources_header(reply.turn), ""


def _sources_header(turn: dict[str, Any]) -> str:
    """The sources panel of a turn, under the question it answers (as read, if rewritten)."""
    message, query = turn.get("message", ""), turn.get("query", "")
    read = f" *(read as “{render.inline(query)}”)*" if query and query != message else ""
    return f"**Sources for:** {render.inline(message)}{read}\n\n{turn.get('sources', '')}"


def build(state: AppState) -> None:
    """Lay out the Chat tab inside the current Blocks context and wire its events."""
    turns = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            chatbot = gr.Chatbot(
                elem_id="chat",
                height="68vh",
                min_height=420,
                placeholder=PLACEHOLDER,
                examples=[{"text": q} for q in EXAMPLES],
                buttons=["copy"],  # more icons would cover the top message
                feedback_options=None,
                autoscroll=False,
                label="Chat",
                show_label=False,
            )
            with gr.Row():
                box = gr.Textbox(
                    elem_id="question",
                    placeholder="Ask a question… (Enter to send)",
                    show_label=False,
                    scale=8,
                    submit_btn="Ask",
                    autofocus=True,
                    max_length=500,
                )
                clear = gr.Button("New chat", scale=1, min_width=100, size="md")
        with gr.Column(scale=2, min_width=320, elem_id="sources-column"):
            with gr.Accordion("Sources", open=True, elem_id="sources-panel"):
                sources = gr.Markdown(SOURCES_EMPTY, elem_id="sources", max_height="64vh")

    outputs = [chatbot, turns, sources, box]

    def on_submit(message: str, history: list, turns_: list) -> tuple:
        return respond(state, message, history, turns_)

    def on_option(evt: gr.SelectData, history: list, turns_: list) -> tuple:
        return respond(state, str(evt.value), history, turns_, followup=False)

    def on_example(evt: gr.SelectData, history: list, turns_: list) -> tuple:
        value = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
        return respond(state, value, history, turns_, followup=False)

    def on_select(evt: gr.SelectData, turns_: list) -> str:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        turn_no = int(index) // 2  # every turn adds one user and one assistant message
        if not turns_ or turn_no >= len(turns_):
            return gr.skip()
        return _sources_header(turns_[turn_no])

    events = [
        box.submit(on_submit, [box, chatbot, turns], outputs, api_name="ask"),
        chatbot.option_select(on_option, [chatbot, turns], outputs, api_visibility="undocumented"),
        chatbot.example_select(
            on_example, [chatbot, turns], outputs, api_visibility="undocumented"
        ),
    ]
    for event in events:
        event.then(None, None, None, js=SCROLL_JS, api_visibility="private")
    chatbot.select(on_select, [turns], [sources], api_visibility="undocumented")
    clear.click(lambda: ([], [], SOURCES_EMPTY, ""), None, outputs, api_visibility="undocumented")
