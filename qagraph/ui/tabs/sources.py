"""The Sources tab: ingested documents, uploads, web pages by URL and incremental re-ingest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import gradio as gr

from qagraph.ingest.readers import SUPPORTED_TYPES
from qagraph.ui.handlers import sources
from qagraph.ui.header import header_md
from qagraph.ui.state import AppState
from qagraph.ui.tabs import Refresh

logger = logging.getLogger(__name__)


def build(state: AppState, header: gr.Markdown, after_ingest: Sequence[Refresh] = ()) -> Refresh:
    """Lay out the Sources tab inside the current Blocks context and wire its events.

    Args:
        state: The app state.
        header: The app's header, whose counts change with the store.
        after_ingest: Other tabs' refreshes to run once the store has changed.
    """
    summary = gr.Markdown(sources.summary_md(state.snapshot), elem_id="sources-summary")
    table = gr.Dataframe(
        value=sources.table(state.snapshot, state.uploads_dir),
        headers=sources.HEADERS,
        elem_id="sources-table",
        interactive=False,
        wrap=True,
    )
    with gr.Row(equal_height=False):
        files = gr.File(
            elem_id="upload",
            label=f"Add documents ({SUPPORTED_TYPES}), up to {sources.MAX_UPLOAD_LABEL} each",
            file_count="multiple",
            file_types=list(sources.ALLOWED_SUFFIXES),
            scale=3,
        )
        with gr.Column(scale=1, min_width=220):
            add = gr.Button("Add to the knowledge base", variant="primary", elem_id="upload-add")
            reingest = gr.Button("Re-ingest changed sources", elem_id="reingest")
            gr.Markdown(
                f"Uploads are kept in `{state.uploads_dir}`. A file named like an existing "
                "source replaces it; only new or changed text is embedded again."
            )
    with gr.Row(equal_height=False):
        url = gr.Textbox(
            elem_id="add-url",
            label="Or add web pages by address (http:// or https://, one per line)",
            placeholder="https://example.com/faq.html",
            lines=1,
            max_lines=5,
            scale=3,
        )
        with gr.Column(scale=1, min_width=220):
            fetch = gr.Button("Fetch and add", elem_id="url-add")
            refresh_pages = gr.Checkbox(
                label="Fetch again if already stored",
                value=False,
                elem_id="url-refresh",
            )
    status = gr.Markdown(elem_id="ingest-status")

    def refresh() -> tuple:
        snapshot = state.snapshot
        return sources.summary_md(snapshot), sources.table(snapshot, state.uploads_dir)

    def after(outcome: sources.IngestOutcome) -> tuple:
        logger.info("ingest from the app: ok=%s, saved %s", outcome.ok, outcome.saved)
        return (outcome.message, None, *refresh(), header_md(state.snapshot))

    def on_add(paths: list[str] | None, progress=gr.Progress()) -> tuple:
        progress(0.1, desc="Reading and embedding the new documents")
        outcome = sources.upload(state, paths or [])
        for path in paths or []:
            Path(path).unlink(missing_ok=True)  # Gradio's copy: the store keeps its own
        return after(outcome)

    def on_fetch(text: str | None, again: bool, progress=gr.Progress()) -> tuple:
        progress(0.1, desc="Fetching, reading and embedding the pages")
        outcome = sources.add_urls(state, text or "", refresh=bool(again))
        return (*after(outcome), "" if outcome.ok else (text or ""))

    def on_reingest(progress=gr.Progress()) -> tuple:
        progress(0.1, desc="Re-ingesting changed sources")
        return after(sources.reingest_changed(state))

    outputs = [status, files, summary, table, header]
    events = [
        add.click(on_add, [files], outputs, api_name="add_documents", concurrency_limit=1),
        reingest.click(on_reingest, None, outputs, api_name="reingest", concurrency_limit=1),
        fetch.click(
            on_fetch,
            [url, refresh_pages],
            [*outputs, url],
            api_name="add_url",
            concurrency_limit=1,
        ),
    ]
    for event in events:
        for refresh_other in after_ingest:
            event.then(
                refresh_other.fn,
                list(refresh_other.inputs),
                list(refresh_other.outputs),
                api_visibility="private",
                show_progress="hidden",
            )
    return Refresh(refresh, [summary, table])
