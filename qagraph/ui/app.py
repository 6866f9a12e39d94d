"""Assemble the tabs into one Gradio app and launch it.

Gradio 6 takes the theme and CSS at `launch()`, not in `gr.Blocks()`; `launch` here passes
them, plus the upload size limit, loopback binding and no share link or server-side
rendering (both would need the network or Node), and headers that keep the page from
reaching other hosts: stored answers are untrusted, and `qagraph.ui.sanitize` already
turns their images into links; the Content-Security-Policy is the second wall.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from qagraph.ui.handlers.sources import MAX_UPLOAD_BYTES
from qagraph.ui.header import header_md
from qagraph.ui.state import AppState
from qagraph.ui.tabs import Refresh
from qagraph.ui.tabs import chat as chat_tab
from qagraph.ui.tabs import concepts as concepts_tab
from qagraph.ui.tabs import contradictions as contradictions_tab
from qagraph.ui.tabs import evaluation as evaluation_tab
from qagraph.ui.tabs import sources as sources_tab

logger = logging.getLogger(__name__)

TITLE = "qagraph"
#: Events of one kind handled at once (Gradio queues the rest).
CONCURRENCY_LIMIT = 64
CSS_FILE = Path(__file__).with_name("style.css")
#: System fonts only: a Google font would make every page load reach the network.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)


#: The page may load from its own origin only: no remote image, style, font or script, and
#: no request elsewhere. Gradio needs inline scripts and styles and `new Function` (for the
#: `js=` of events); scripts in stored answers are removed before they get there.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),  # a link clicked in an answer does not name the app
    (b"x-content-type-options", b"nosniff"),
)


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every HTTP response (streams untouched)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_app(state: AppState) -> gr.Blocks:
    """The app: a header and the Chat, Concepts, Contradictions, Evaluation, Sources tabs."""
    # delete_cache: Gradio's copies of uploads older than a day are removed every hour.
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(3600, 86400)
    ) as demo:
        header = gr.Markdown(header_md(state.snapshot), elem_id="header")
        refreshes: list[tuple[gr.Tab, Refresh]] = []
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Chat", id="chat", elem_id="tab-chat"):
                chat_tab.build(state)
            with gr.Tab("Concepts", id="concepts", elem_id="tab-concepts"):
                # Refreshed after an ingest, not on opening the tab: that refresh would race
                # with the user's first keystrokes and overwrite their suggestions.
                concepts_refresh = concepts_tab.build(state)
            with gr.Tab("Contradictions", id="contradictions", elem_id="tab-contradictions") as tab:
                refreshes.append((tab, contradictions_tab.build(state)))
            with gr.Tab("Evaluation", id="evaluation", elem_id="tab-evaluation") as tab:
                refreshes.append((tab, evaluation_tab.build(state)))
            with gr.Tab("Sources", id="sources", elem_id="tab-sources") as tab:
                refreshes.append((tab, sources_tab.build(state, header, [concepts_refresh])))
        for tab, refresh in refreshes:
            tab.select(
                refresh.fn,
                list(refresh.inputs),
                list(refresh.outputs),
                api_visibility="private",
                show_progress="hidden",
            )
        # A page opened after a re-ingest in another session must show the current counts.
        demo.load(
            lambda: header_md(state.snapshot),
            None,
            [header],
            api_visibility="private",
            show_progress="hidden",
        )
    # Chat requests that wait together are embedded in one forward pass (see
    # qagraph.encoders.batching), so letting many run at once makes larger, cheaper
    # batches; the model's lock still runs one pass at a time.
    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT)
    return demo


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """'USER:PASSWORD' -> (user, password); None for None or ''.

    Raises:
        ValueError: When there is no ':' or either part is empty.
    """
    if not text:
        return None
    user, sep, password = text.partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must be USER:PASSWORD, both non-empty")
    return user, password


def launch(
    state: AppState,
    *,
    host: str = "127.0.0.1",
    port: int | None = 7860,
    auth: tuple[str, str] | Sequence[tuple[str, str]] | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> tuple[gr.Blocks, Any, str]:
    """Build and start the app.

    Args:
        state: The app state.
        host: Interface to bind; loopback unless the user asks otherwise.
        port: TCP port; None lets Gradio pick a free one from 7860 up.
        auth: (user, password) pairs required to open the app, or None.
        prevent_thread_lock: Return at once instead of serving until interrupted (tests).
        quiet: Print nothing on start.

    Returns:
        (blocks, the FastAPI app, the local URL).
    """
    # Uploads land in Gradio's temporary folder before the handler copies them into the
    # store; keeping that folder inside the store means no document is written elsewhere.
    incoming = state.uploads_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(incoming))
    demo = build_app(state)
    app, local_url, _ = demo.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="qagraph: sign in with the user and password given to `qagraph serve --auth`",
        share=False,
        ssr_mode=False,
        max_file_size=MAX_UPLOAD_BYTES,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=True,
        footer_links=["api", "settings"],
        theme=THEME,
        css_paths=[CSS_FILE],
        app_kwargs={"middleware": [Middleware(SecurityHeaders)]},
    )
    return demo, app, local_url
