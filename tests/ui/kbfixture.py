"""A store for the UI tests: the bundled corpus as ingest builds it, plus one known contradiction.

Concepts come from the ingest itself (its glossary gives "regularization", "l1
regularization", "dropout", ...). The contradiction is added by hand so the chat's warning
can be tested on a known answer whatever the detector flags; the tests find it by its
evidence, so flags the detector adds do not disturb them.
"""

from __future__ import annotations

import json
from pathlib import Path

from qagraph.encoders import Encoder, EncoderConfig
from qagraph.encoders.cache import CACHE_FILE, CachedEncoder
from qagraph.index.dense import build_retrieval_index
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Edge, Store
from qagraph.kb.manifest import CACHE_DIR

#: The made-up contradiction: L1 called robust in one source, set against another's claim.
CONTRA_A = ("000_bf0be15a9e8227b4.txt", "What is the use of regularization?")
CONTRA_B = ("004_b005460a21cad71f.txt", "difference between Lasso and Ridge")
EVIDENCE_A = (
    "L1 is more robust but has an unstable solution and can possibly have multiple solutions."
)
EVIDENCE_B = "Both Lasso and Ridge add a penalty term"


def build(path: Path, encoder: Encoder) -> Path:
    """Ingest the bundled corpus at `path` with `encoder`'s model, then add the contradiction."""
    config = IngestConfig(encoder=EncoderConfig(model=encoder.name), progress=False)
    assert ingest(None, store=path, config=config).ok
    store = Store(path)
    with store.open() as kb:
        sources, nodes, edges, concepts = kb.sources(), kb.nodes(), kb.edges(), kb.concepts()
        meta = {k: v for k, v in kb.manifest.items() if k in ("model", "splitter_version")}
    a = _find(nodes, *CONTRA_A)
    b = _find(nodes, *CONTRA_B)
    data = {
        "a": a,
        "b": b,
        "kind": "antonym",
        "evidence_a": EVIDENCE_A,
        "evidence_b": EVIDENCE_B,
        "score": 0.8,
    }
    cached = CachedEncoder(encoder, path / CACHE_DIR / CACHE_FILE)
    try:
        with store.writer() as writer:
            writer.add_sources(sources)
            writer.add_nodes(nodes)
            writer.add_concepts(concepts)
            writer.add_edges([*edges, Edge(a, b, "contradicts", 0.8, json.dumps(data))])
            for key, value in meta.items():
                writer.set_meta(key, value)
            build_retrieval_index(writer, nodes, cached)
    finally:
        cached.close()
    return path


def _find(nodes, source: str, words: str) -> str:
    for node in nodes:
        if node.source == source and words in node.question:
            return node.id
    raise AssertionError(f"no node asking {words!r} in {source}")
