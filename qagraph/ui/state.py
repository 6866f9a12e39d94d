"""`AppState`: the store, knowledge base, concept graph and retriever the app serves.

Everything a request needs is bundled in one immutable `Snapshot`. Handlers read
`state.snapshot` once and use only that object, so a re-ingest that swaps in a new
snapshot never hands a request half of the old knowledge base and half of the new one.
The encoder is loaded once and shared across snapshots: reloading after an upload only
re-reads the store.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qagraph.encoders import EncoderConfig, load_encoder
from qagraph.kb import KnowledgeBase, Store
from qagraph.kb.graph import ConceptGraph
from qagraph.kb.manifest import BuildConfig
from qagraph.ui.concept_index import ConceptIndex

if TYPE_CHECKING:
    from qagraph.encoders import Encoder
    from qagraph.retrieval import Retriever

logger = logging.getLogger(__name__)

UPLOADS_DIR = "uploads"
EVAL_DIR = "eval"


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the store.

    Attributes:
        kb: The knowledge base.
        concepts: Concept lookup over the knowledge graph (`concepts.graph`).
        retriever: Search and cited answers, or None when retrieval cannot be loaded.
        retrieval_error: Why `retriever` is None ("" when it is not).
        loaded_at: Time of loading (seconds since the epoch).
    """

    kb: KnowledgeBase
    concepts: ConceptIndex
    retriever: Retriever | None = None
    retrieval_error: str = ""
    loaded_at: float = field(default_factory=time.time)

    @property
    def graph(self) -> ConceptGraph:
        """The knowledge graph (NetworkX) with its concept queries."""
        return self.concepts.graph

    @property
    def generation(self) -> str:
        """Name of the store generation this snapshot reads."""
        return self.kb.path.name


class AppState:
    """The app's shared state; build it once per process and pass it to `build_app`.

    Args:
        store: The store folder (it must already hold a store; see `open`).
        encoder: The query encoder; by default the model named in the store's manifest,
            loaded on first use and kept across reloads.
    """

    def __init__(self, store: str | Path, *, encoder: Encoder | None = None) -> None:
        self._store = Store(store)
        self._encoder = encoder
        self._swap = threading.Lock()
        #: Held while a re-ingest writes the store: the pipeline supports one writer.
        self.ingest_lock = threading.Lock()
        self._snapshot = self._load()

    @classmethod
    def open(
        cls,
        store: str | Path,
        *,
        encoder: Encoder | None = None,
        encoder_config: EncoderConfig | None = None,
    ) -> AppState:
        """Build the store from the bundled corpus when missing, then load it.

        Args:
            store: The store folder.
            encoder: A ready query encoder (tests pass the hashing fake).
            encoder_config: The model to build a missing store with.
        """
        from qagraph.ingest.ensure import ensure_store

        ensure_store(Path(store), encoder=encoder_config)
        return cls(store, encoder=encoder)

    @property
    def store_path(self) -> Path:
        """The store folder."""
        return self._store.path

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded documents are kept: inside the store folder, never elsewhere."""
        return self._store.path / UPLOADS_DIR

    @property
    def eval_dir(self) -> Path:
        """Where extra evaluation sets (`*.jsonl`) may be placed for the Evaluation tab."""
        return self._store.path / EVAL_DIR

    @property
    def snapshot(self) -> Snapshot:
        """The current snapshot; read it once per request."""
        with self._swap:
            return self._snapshot

    def reload(self) -> Snapshot:
        """Load the store's live generation and make it the current snapshot.

        The new snapshot is fully built before the swap, so requests running meanwhile
        keep using the old one.
        """
        snapshot = self._load()
        with self._swap:
            self._snapshot = snapshot
        logger.info("app state now at %s", snapshot.generation)
        return snapshot

    def _load(self) -> Snapshot:
        kb = self._store.open()
        concepts = ConceptIndex.from_kb(kb)
        try:
            from qagraph.retrieval import Retriever

            retriever = Retriever(kb, self._encoder_for(kb))
        except ImportError as exc:
            logger.warning("retrieval not available: %s", exc)
            return Snapshot(kb, concepts, None, f"retrieval not available: {exc}")
        return Snapshot(kb, concepts, retriever)

    def _encoder_for(self, kb: KnowledgeBase) -> Encoder:
        model = BuildConfig.from_manifest(kb.manifest).model or EncoderConfig().model
        encoder = self._encoder
        if encoder is None or encoder.name != EncoderConfig(model=model).model:
            logger.info("loading query encoder %s", model)
            encoder = load_encoder(EncoderConfig(model=model))
            self._encoder = encoder
        return encoder

    def __repr__(self) -> str:
        return f"AppState({str(self.store_path)!r}, {self.snapshot.generation})"
