"""Markdown reader: markdown is already the splitter's input format, so it passes through.

The text is kept exactly as decoded (headings, lists, fences and all): the splitter reads
the markdown structure itself, and the identity line map keeps citations exact.
"""

from __future__ import annotations

import logging

from qagraph.ingest.readers.text import TextReader

logger = logging.getLogger(__name__)


class MarkdownReader(TextReader):
    """Reads .md and .markdown files unchanged, with an identity line map."""

    suffixes = (".md", ".markdown")
    format = "markdown"
