"""The Gradio app: chat with citations, concepts, contradictions, evaluation and sources.

Handlers (`qagraph.ui.handlers`) are plain functions over an `AppState` snapshot that return
plain data and markdown, so they are tested without a browser; `qagraph.ui.tabs` wires them
to Gradio components and `qagraph.ui.app` assembles the tabs and launches the server.
"""

from __future__ import annotations

import os

# Set before Gradio is imported, which reads them: the app never phones home (no analytics,
# no version check, no client telemetry), whatever the environment says.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
