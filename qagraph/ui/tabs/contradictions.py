"""The Contradictions tab: the flags grouped by kind, a selected flag's two answers in full, a
"not a conflict" mark, and the answers to one question compared side by side."""

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
    kind = gr.Radio(
        choices=contradictions.kind_choices(items),
        value=contradictions.ALL_KINDS,
        label="Kind",
        elem_id="contradiction-kind",
        visible=bool(items),
    )
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
    with gr.Row(visible=bool(items)) as mark_row:
        note = gr.Textbox(
            label="Why is it not a conflict? (optional, kept with the mark)",
            elem_id="mark-note",
            scale=4,
        )
        mark = gr.Button("Not a conflict", elem_id="mark-flag", scale=1)
    status = gr.Markdown("", elem_id="mark-status")
    marked_items = contradictions.flags(state.snapshot, marked=True)
    with gr.Accordion(
        f"Marked not a conflict ({len(marked_items)})", open=False, elem_id="marked-flags"
    ) as marked_box:
        marked_list = gr.Markdown(contradictions.marked_md(marked_items), elem_id="marked-list")
        with gr.Row():
            marked_picker = gr.Dropdown(
                label="Show a marked flag again",
                choices=[(f.label(), f.number) for f in marked_items],
                value=None,
                elem_id="marked-picker",
                scale=4,
            )
            unmark = gr.Button("Show again", elem_id="unmark-flag", scale=1)

    gr.Markdown(
        "## Compare answers\nPick a question several sources answer: their answers are "
        "aligned sentence by sentence, with the claims they share, the claims only one "
        "makes, and the claims in conflict, each with its citation.",
        elem_id="compare-intro",
    )
    choices = contradictions.compare_choices(state.snapshot)
    compare_picker = gr.Dropdown(
        label="Question",
        choices=choices,
        value=None,
        elem_id="compare-picker",
    )
    compare_summary = gr.Markdown(
        "*Pick a question answered by several sources.*", elem_id="compare-summary"
    )
    compare_view = gr.Markdown("", elem_id="compare-view", container=True, padding=True)

    def show(number: int | None) -> tuple[str, str, str]:
        return contradictions.detail(state.snapshot, number)

    def on_row(evt: gr.SelectData) -> tuple:
        row = getattr(evt, "row_value", None)
        if row:
            number = int(row[0])
        else:
            index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
            number = int(index) + 1
        return (number, *show(number))

    def listing(chosen: str | None = None) -> tuple:
        """Everything the flag list shows, after a mark or a re-ingest."""
        current = contradictions.flags(state.snapshot)
        shown = contradictions.of_kind(current, chosen)
        number = shown[0].number if shown else None
        choices = contradictions.kind_choices(current)
        if chosen not in {value for _, value in choices}:
            chosen = contradictions.ALL_KINDS
        marked_now = contradictions.flags(state.snapshot, marked=True)
        return (
            contradictions.summary_md(current),
            gr.update(choices=choices, value=chosen, visible=bool(current)),
            contradictions.table(shown),
            gr.update(
                choices=[(f.label(), f.number) for f in shown],
                value=number,
                visible=bool(current),
            ),
            gr.update(visible=bool(current)),
            gr.update(visible=bool(current)),
            *show(number),
            gr.update(label=f"Marked not a conflict ({len(marked_now)})"),
            contradictions.marked_md(marked_now),
            gr.update(choices=[(f.label(), f.number) for f in marked_now], value=None),
        )

    listing_outputs = [
        summary,
        kind,
        table,
        picker,
        sides,
        mark_row,
        header,
        side_a,
        side_b,
        marked_box,
        marked_list,
        marked_picker,
    ]

    def on_kind(chosen: str | None) -> tuple:
        return listing(chosen)

    def on_mark(number: int | None, text: str | None, chosen: str | None) -> tuple:
        message = contradictions.mark(state.snapshot, number, text or "")
        return (message, "", *listing(chosen))

    def on_unmark(number: int | None, chosen: str | None) -> tuple:
        message = contradictions.unmark(state.snapshot, number)
        return (message, *listing(chosen))

    def on_compare(node_id: str | None) -> tuple[str, str]:
        return contradictions.compare_md(state.snapshot, node_id)

    picker.change(show, [picker], [header, side_a, side_b], api_name="contradiction")
    table.select(on_row, None, [picker, header, side_a, side_b], api_visibility="undocumented")
    kind.change(on_kind, [kind], listing_outputs, api_visibility="undocumented")
    mark.click(
        on_mark,
        [picker, note, kind],
        [status, note, *listing_outputs],
        api_name="mark_not_a_conflict",
    )
    unmark.click(on_unmark, [marked_picker, kind], [status, *listing_outputs], api_name="unmark")
    compare_picker.change(
        on_compare, [compare_picker], [compare_summary, compare_view], api_name="compare"
    )

    def refresh() -> tuple:
        groups = contradictions.compare_choices(state.snapshot)
        return (*listing(), gr.update(choices=groups))

    return Refresh(refresh, [*listing_outputs, compare_picker])
