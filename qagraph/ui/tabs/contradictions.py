"""The Contradictions tab: every flag with its evidence; a selected flag shows both nodes."""

from __future__ import annotations

import logging

import gradio as gr

from qagraph.ui.handlers import contradictions
from qagraph.ui.state import AppState
from qagraph.ui.tabs import Refresh

logger = logging.getLogger(__name__)


def build(state: AppState) -> Refresh:
    """Lay out the Contradictions tab inside the current Blocks context and wire its events."""
    items = contradictions.flags(state.snapshot)
    summary = gr.Markdown(contradictions.summary_md(items), elem_id="contradictions-summary")
    table = gr.Dataframe(
        value=contradictions.table(items),
        headers=contradictions.HEADERS,
        elem_id="contradictions-table",
        interactive=False,
        wrap=True,
        max_height=360,
        column_widths=["4%", "9%", "8%", "14%", "25%", "14%", "26%"],
    )
    # The strongest flag is open from the start: the tab is for reading, not for clicking.
    first = items[0].number if items else None
    picker = gr.Dropdown(
        elem_id="contradiction-picker",
        label="Show a flag in full",
        choices=[(f.label(), f.number) for f in items],
        value=first,
        visible=bool(items),
    )
    head, a_md, b_md = contradictions.detail(state.snapshot, first)
    header = gr.Markdown(head, elem_id="contradiction-header")
    with gr.Row(equal_height=False, visible=bool(items)) as sides:
        side_a = gr.Markdown(a_md, elem_id="contradiction-a", container=True, padding=True)
        side_b = gr.Markdown(b_md, elem_id="contradiction-b", container=True, padding=True)

    def show(number: int | None) -> tuple[str, str, str]:
        return contradictions.detail(state.snapshot, number)

    def on_row(evt: gr.SelectData) -> tuple:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        number = int(row) + 1
        return (number, *show(number))

    picker.change(show, [picker], [header, side_a, side_b], api_name="contradiction")
    table.select(on_row, None, [picker, header, side_a, side_b], api_visibility="undocumented")

    def refresh() -> tuple:
        current = contradictions.flags(state.snapshot)
        number = current[0].number if current else None
        return (
            contradictions.summary_md(current),
            contradictions.table(current),
            gr.update(
                choices=[(f.label(), f.number) for f in current],
                value=number,
                visible=bool(current),
            ),
            gr.update(visible=bool(current)),
            *show(number),
        )

    return Refresh(refresh, [summary, table, picker, sides, header, side_a, side_b])
