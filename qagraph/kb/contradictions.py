"""Read the contradictions a store holds: its `contradicts` edges as `Contradiction` records.

Ingest writes one `contradicts` edge per flagged pair (a to b, weight = score, data = the
contradiction's JSON); `ask`, the chat and `qagraph contradictions` read them back here,
so the edge layout is known in two places only: this module and the ingest step.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.records import Contradiction, Edge

logger = logging.getLogger(__name__)


def contradiction_from_edge(edge: Edge) -> Contradiction:
    """The contradiction a `contradicts` edge carries.

    An edge whose data lacks a field falls back on the edge itself (ids, weight), so a
    hand-written or older edge still reads.

    Raises:
        ValueError: When the edge is not a `contradicts` edge.
    """
    if edge.kind != "contradicts":
        raise ValueError(f"edge {edge.src} -> {edge.dst} is {edge.kind!r}, not 'contradicts'")
    try:
        data = json.loads(edge.data or "{}")
    except json.JSONDecodeError:
        logger.warning("contradicts edge %s -> %s has unreadable data", edge.src, edge.dst)
        data = {}
    data = {"a": edge.src, "b": edge.dst, "kind": "unknown", "score": edge.weight, **data}
    return Contradiction.from_json(data)


def contradictions(kb: KnowledgeBase, touching: Iterable[str] | None = None) -> list[Contradiction]:
    """The contradictions of a knowledge base, highest score first.

    Args:
        kb: The knowledge base.
        touching: Only those with at least one of these node ids; all when None.

    Returns:
        Contradictions sorted by score (descending), then by the two ids.
    """
    wanted = None if touching is None else set(touching)
    found = [
        contradiction_from_edge(edge)
        for edge in kb.edges("contradicts")
        if wanted is None or edge.src in wanted or edge.dst in wanted
    ]
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found
