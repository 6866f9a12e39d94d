"""The data model and the persisted store. Nothing here imports from the stages above it."""

from __future__ import annotations

from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.manifest import SCHEMA_VERSION, StoreError, default_store_path
from qagraph.kb.records import Concept, Edge, QANode, SourceDoc
from qagraph.kb.store import Store, StoreWriter

__all__ = [
    "SCHEMA_VERSION",
    "Concept",
    "Edge",
    "KnowledgeBase",
    "QANode",
    "SourceDoc",
    "Store",
    "StoreError",
    "StoreWriter",
    "default_store_path",
]
