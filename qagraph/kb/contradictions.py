"""Read the contradictions a store holds: its `contradicts` edges as `Contradiction` records.

Ingest writes one `contradicts` edge per flagged pair (a to b, weight = score, data = the
contradiction's JSON); `ask`, the chat and `qagraph contradictions` read them back here,
so the edge layout is known in two places only: this module and the ingest step. Flags a
user marked "not a conflict" (`qagraph.kb.marks`) are left out unless asked for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.marks import Marks, NodeRef, pair_key, store_root
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


def contradictions(
    kb: KnowledgeBase, touching: Iterable[str] | None = None, *, marked: bool | None = False
) -> list[Contradiction]:
    """The contradictions of a knowledge base, highest score first.

    Args:
        kb: The knowledge base.
        touching: Only those with at least one of these node ids; all when None.
        marked: False: leave out the flags a user marked "not a conflict"; True: only
            those; None: all.

    Returns:
        Contradictions sorted by score (descending), then by the two ids.
    """
    wanted = None if touching is None else set(touching)
    found = [
        contradiction_from_edge(edge)
        for edge in kb.edges("contradicts")
        if wanted is None or edge.src in wanted or edge.dst in wanted
    ]
    if marked is not None:
        keys = Marks(store_root(kb.path)).keys() if found else set()
        found = [c for c in found if (_key(kb, c) in keys) == marked]
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found


def _key(kb: KnowledgeBase, item: Contradiction) -> frozenset | None:
    try:
        return pair_key(NodeRef.of(kb.node(item.a)), NodeRef.of(kb.node(item.b)))
    except KeyError:
        return None


def marked_pairs(kb: KnowledgeBase) -> set[tuple[str, str]]:
    """(a, b) ids of every flag a user marked "not a conflict", in both orders."""
    keys = Marks(store_root(kb.path)).keys()
    if not keys:
        return set()
    out = set()
    for edge in kb.edges("contradicts"):
        item = contradiction_from_edge(edge)
        if _key(kb, item) in keys:
            out |= {(item.a, item.b), (item.b, item.a)}
    return out


def is_marked(kb: KnowledgeBase, item: Contradiction) -> bool:
    """Whether a user marked this flag "not a conflict"."""
    key = _key(kb, item)
    return key is not None and key in Marks(store_root(kb.path)).keys()
