"""The Concepts tab: search with fuzzy suggestions, the concept card and its neighbourhood."""

from __future__ import annotations

import logging

import gradio as gr

from qagraph.ui.handlers import concepts
from qagraph.ui.state import AppState
from qagraph.ui.tabs import Refresh

logger = logging.getLogger(__name__)


def build(state: AppState) -> Refresh:
    """Lay out the Concepts tab inside the current Blocks context and wire its events."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            search = gr.Textbox(
                elem_id="concept-search",
                label="Find a concept",
                placeholder="Type a name, an acronym or a misspelling: “gradiant desent”, “PCA”",
                submit_btn="Show",
            )
            suggestions = gr.Radio(
                elem_id="concept-suggestions",
                label="Suggestions",
                choices=concepts.suggest(state.snapshot, ""),
                value=None,
                interactive=True,  # only ever an output otherwise, which Gradio disables
            )
            card = gr.Markdown(elem_id="concept-card")
            neighbours = gr.Radio(
                elem_id="concept-neighbours",
                label="Go to a neighbouring concept",
                choices=[],
                value=None,
                visible=False,
                interactive=True,
            )
        with gr.Column(scale=3, min_width=400):
            plot = gr.Plot(elem_id="concept-graph", label="Neighbourhood", show_label=True)
            nodes = gr.Markdown(elem_id="concept-nodes")

    def show(text: str) -> tuple:
        page = concepts.page(state.snapshot, text)
        return (
            page.name or text,
            page.card,
            page.nodes,
            page.figure,
            gr.update(choices=page.neighbours, value=None, visible=bool(page.neighbours)),
        )

    def suggest(text: str) -> dict:
        return gr.update(choices=concepts.suggest(state.snapshot, text), value=None)

    page_outputs = [search, card, nodes, plot, neighbours]
    search.submit(show, [search], page_outputs, api_name="concept")
    search.input(
        suggest,
        [search],
        [suggestions],
        trigger_mode="always_last",
        show_progress="hidden",
        api_name="suggest_concepts",
    )
    suggestions.select(_picked(show), None, page_outputs, api_visibility="undocumented")
    neighbours.select(_picked(show), None, page_outputs, api_visibility="undocumented")

    # Suggestions follow what is typed, from whatever store is current when the tab opens.
    return Refresh(suggest, [suggestions], [search])


def _picked(show):
    """A select handler opening the concept the user picked in a radio list."""

    def handler(evt: gr.SelectData) -> tuple:
        return show(str(evt.value))

    return handler
