"""The dense index of a store: unit vectors in FAISS plus the unit -> node map.

`build_retrieval_index` runs at ingest and writes two files into the new generation;
`DenseIndex.from_kb` reads them back (or, for a store built without them or for another
model, rebuilds them in memory through the vector cache).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qagraph.encoders.base import Encoder, EncoderError
from qagraph.encoders.cache import CACHE_FILE, CachedEncoder
from qagraph.errors import QagraphError
from qagraph.index.units import UNIT_KINDS, Unit, UnitConfig, build_units
from qagraph.index.vectors import FaissIndex, VectorIndexConfig
from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.manifest import CACHE_DIR
from qagraph.kb.records import QANode
from qagraph.kb.store import StoreWriter

logger = logging.getLogger(__name__)

INDEX_FILE = "retrieval/vectors.faiss"
UNITS_FILE = "retrieval/units.jsonl"
META_KEY = "retrieval"
FORMAT_VERSION = 2  # 2: field units (question + answer opening)


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How the dense index is built at ingest.

    Attributes:
        units: How nodes are cut into embedding units.
        vectors: Which FAISS index to build.
    """

    units: UnitConfig = field(default_factory=UnitConfig)
    vectors: VectorIndexConfig = field(default_factory=VectorIndexConfig)


class NodeSims(NamedTuple):
    """Dense similarities of the query with one node: its question, its best answer chunk
    and its field unit (question + answer opening); -1 for a part the node lacks."""

    question: float
    answer: float
    field: float = -1.0


class DenseIndex:
    """Unit vectors, their FAISS index and the map from rows to nodes.

    Args:
        units: One unit per stored vector, in row order.
        index: The FAISS index over the unit vectors.
        fingerprint: The encoder that made the vectors.
    """

    def __init__(self, units: Sequence[Unit], index: FaissIndex, fingerprint: str) -> None:
        if len(units) != index.ntotal:
            raise ValueError(f"{len(units)} units for {index.ntotal} vectors")
        self.units = list(units)
        self.index = index
        self.fingerprint = fingerprint
        # Kept beside FAISS so that any candidate (found lexically, say) gets exact scores.
        self._matrix = index.vectors()
        # Rows grouped by (node, kind): segment s = slot * len(UNIT_KINDS) + kind holds rows
        # order[starts[s]:ends[s]], so a query scores many nodes in one gather and product.
        kind_no = {kind: i for i, kind in enumerate(UNIT_KINDS)}
        self._slot = {n: i for i, n in enumerate(dict.fromkeys(u.node_id for u in self.units))}
        keys = np.fromiter(
            (self._slot[u.node_id] * len(UNIT_KINDS) + kind_no[u.kind] for u in self.units),
            dtype=np.int64,
            count=len(self.units),
        )
        self._order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=len(self._slot) * len(UNIT_KINDS))
        self._ends = np.cumsum(counts)
        self._starts = self._ends - counts

    @classmethod
    def build(
        cls,
        nodes: Iterable[QANode],
        encoder: Encoder,
        config: IndexConfig | None = None,
        *,
        progress: bool = False,
    ) -> DenseIndex:
        """Cut nodes into units, embed them and index the vectors."""
        config = config or IndexConfig()
        units = build_units(nodes, encoder, config.units)
        vectors = encoder.encode([u.text for u in units], show_progress=progress)
        if not units:
            vectors = np.zeros((0, encoder.dim), dtype=np.float32)
        return cls(units, FaissIndex.build(vectors, config.vectors), encoder.fingerprint)

    @classmethod
    def from_kb(
        cls, kb: KnowledgeBase, encoder: Encoder, config: IndexConfig | None = None
    ) -> DenseIndex:
        """Read the store's dense index, or rebuild it in memory when it cannot serve.

        It is rebuilt when the store has none (built before retrieval existed) or was
        embedded by another model than `encoder`.
        """
        meta = kb.manifest.get(META_KEY) or {}
        try:
            index_path, units_path = kb.part(INDEX_FILE), kb.part(UNITS_FILE)
        except KeyError:
            logger.warning("store %s has no dense index; embedding it in memory", kb.path)
            return cls.build(kb.nodes(), _cached(kb, encoder), config)
        if meta.get("format") != FORMAT_VERSION:
            logger.warning(
                "store %s has a dense index of an older format; re-embedding in memory "
                "(re-ingest to keep it)",
                kb.path,
            )
            return cls.build(kb.nodes(), _cached(kb, encoder), config)
        if meta.get("encoder") != encoder.fingerprint:
            logger.warning(
                "store %s was embedded with %s, not %s; re-embedding in memory "
                "(re-ingest to keep it)",
                kb.path,
                meta.get("encoder"),
                encoder.fingerprint,
            )
            return cls.build(kb.nodes(), _cached(kb, encoder), config)
        try:
            units = read_units(units_path)
            index = FaissIndex.load(index_path)
        except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
            raise QagraphError(f"store at {kb.path} has a corrupt dense index: {exc}") from exc
        return cls(units, index, encoder.fingerprint)

    def candidates(self, query: np.ndarray, depth: int) -> list[str]:
        """Ids of nodes owning one of the `depth` units nearest to `query`, best first."""
        hits = self.index.search(query.reshape(1, -1), depth)
        seen: dict[str, None] = {}
        for row in hits.ids[0]:
            if row >= 0:
                seen.setdefault(self.units[row].node_id, None)
        return list(seen)

    def node_sims(self, query: np.ndarray, node_ids: Iterable[str]) -> dict[str, NodeSims]:
        """Exact cosine of `query` with each node's question, best answer chunk and field.

        `query` may hold several vectors (wordings of one question), one per row: each part
        then scores its best match over them. A part the node lacks (no answer) gets -1, the
        cosine floor, so a node can never win on an answer it does not have.
        """
        ids = list(node_ids)
        kinds = len(UNIT_KINDS)
        slots = np.fromiter((self._slot.get(n, -1) for n in ids), dtype=np.int64, count=len(ids))
        segments = (slots[:, None] * kinds + np.arange(kinds)).ravel()
        known = segments >= 0
        starts = np.zeros(len(segments), dtype=np.int64)
        lengths = np.zeros(len(segments), dtype=np.int64)
        starts[known] = self._starts[segments[known]]
        lengths[known] = self._ends[segments[known]] - starts[known]
        best = np.full(len(segments), -1.0, dtype=np.float32)
        total = int(lengths.sum())
        if total:
            offsets = np.cumsum(lengths) - lengths
            positions = np.arange(total) - np.repeat(offsets - starts, lengths)
            queries = np.atleast_2d(np.asarray(query, dtype=np.float32))
            scores = (self._matrix[self._order[positions]] @ queries.T).max(axis=1)
            filled = lengths > 0
            best[filled] = np.maximum.reduceat(scores, offsets[filled])
        rows = best.reshape(-1, kinds).tolist()
        return {node_id: NodeSims(*row) for node_id, row in zip(ids, rows, strict=True)}

    def question_sims(self, node_ids: Sequence[str]) -> np.ndarray:
        """Cosines between the nodes' (first) question units; 0 rows for unknown nodes."""
        matrix = np.zeros((len(node_ids), self._matrix.shape[1]), dtype=np.float32)
        question = UNIT_KINDS.index("question")
        for i, node_id in enumerate(node_ids):
            slot = self._slot.get(node_id)
            if slot is None:
                continue
            segment = slot * len(UNIT_KINDS) + question
            if self._ends[segment] > self._starts[segment]:
                matrix[i] = self._matrix[self._order[self._starts[segment]]]
        return matrix @ matrix.T

    def meta(self) -> dict[str, Any]:
        """What the manifest records about this index."""
        kinds = [u.kind for u in self.units]
        return {
            "format": FORMAT_VERSION,
            "encoder": self.fingerprint,
            "index": self.index.params,
            "vectors": self.index.ntotal,
            "units": {kind: kinds.count(kind) for kind in UNIT_KINDS},
            "nodes": len(self._slot),
        }


def _cached(kb: KnowledgeBase, encoder: Encoder) -> Encoder:
    """The encoder behind the store's vector cache, so a rebuild is paid once; as is if the
    cache cannot be opened (a store on read-only media)."""
    if isinstance(encoder, CachedEncoder):
        return encoder
    try:
        return CachedEncoder(encoder, kb.path.parent / CACHE_DIR / CACHE_FILE)
    except EncoderError as exc:
        logger.info("no vector cache for the in-memory index: %s", exc)
        return encoder


def read_units(path: Path) -> list[Unit]:
    """Read the unit map written by `build_retrieval_index`."""
    with path.open(encoding="utf-8") as handle:
        return [Unit(**json.loads(line)) for line in handle if line.strip()]


def build_retrieval_index(
    writer: StoreWriter,
    nodes: Sequence[QANode],
    encoder: Encoder,
    config: IndexConfig | None = None,
    *,
    progress: bool = False,
) -> DenseIndex:
    """Embed the nodes' units and write the FAISS index and unit map into a new generation.

    Args:
        writer: The generation being built; the files are registered with it.
        nodes: The nodes of the generation.
        encoder: The encoder, ideally a `CachedEncoder` so unchanged texts are not re-embedded.
        config: Unit and index settings.
        progress: Show the encoder's progress bar on stderr.

    Returns:
        The index, also recorded under the manifest key "retrieval".
    """
    config = config or IndexConfig()
    dense = DenseIndex.build(nodes, encoder, config, progress=progress)
    dense.index.save(writer.path / INDEX_FILE)
    with (writer.path / UNITS_FILE).open("w", encoding="utf-8") as handle:
        for unit in dense.units:
            handle.write(json.dumps(unit.to_json(), ensure_ascii=False) + "\n")
    writer.register_file(INDEX_FILE)
    writer.register_file(UNITS_FILE)
    writer.set_meta(META_KEY, dense.meta() | {"config": _config_meta(config)})
    logger.info("dense index: %s", dense.meta())
    return dense


def _config_meta(config: IndexConfig) -> dict[str, Any]:
    return {"units": asdict(config.units), "vectors": asdict(config.vectors)}
