"""The app's title line with the knowledge base's counts."""

from __future__ import annotations

from qagraph.ui.handlers.contradictions import flags
from qagraph.ui.state import Snapshot


def header_md(snapshot: Snapshot) -> str:
    """The title line with the knowledge base's counts."""
    kb = snapshot.kb
    n_flags = len(flags(snapshot))
    counts = " · ".join(
        [
            _count(len(kb.nodes()), "question"),
            _count(len(kb.sources()), "source"),
            _count(len(snapshot.concepts), "concept"),
            _count(n_flags, "contradiction") + " flagged",
        ]
    )
    warn = f" · ⚠ {snapshot.retrieval_error}" if snapshot.retrieval_error else ""
    return (
        f"# qagraph <span class='tagline'>your Q&A notes, quoted and cited to the line</span>\n"
        f"<span class='counts'>{counts}{warn}</span>"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
