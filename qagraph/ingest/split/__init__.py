"""Split a document into question/answer nodes: parse -> blocks -> detect -> nodes.

Markdown (and HTML and reStructuredText, which readers turn into markdown with a line map)
is parsed by a CommonMark parser first (`tree`); what the parser knows about every line
(code, raw HTML, headings written as HTML, navigation) decides the line kinds (`lines`),
and the walk (`detect`) then decides, per document and per section, which blocks carry the
questions. Plain text, which has no markup to parse, keeps the line-based path.
"""

from __future__ import annotations

from qagraph.ingest.split.detect import Block, split_lines
from qagraph.ingest.split.nodes import Skipped, SplitReport, inspect_document, split_document
from qagraph.ingest.split.shape import SplitterConfig

__all__ = [
    "Block",
    "Skipped",
    "SplitReport",
    "SplitterConfig",
    "inspect_document",
    "split_document",
    "split_lines",
]
