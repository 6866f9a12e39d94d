"""`Retriever`: hybrid search and cited answers over one knowledge base.

A query goes through five stages, each a method a new signal or a reranker plugs into:
`candidates` (the union of each signal's top nodes), `measure` (every signal on every
candidate), `rank_signals` (fusion of the variant's signals), `abstain` (does the knowledge
base cover it, and why not) and `answer` (the quotation, its citation and the other
sources). `search` runs the first four, `ask` all five, once.

Everything is loaded once in the constructor and never mutated afterwards, so one
retriever can serve the threads of the Gradio app and the eval runner at the same time.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qagraph.encoders.base import Encoder, EncoderConfig
from qagraph.encoders.registry import load_encoder
from qagraph.index.dense import DenseIndex, IndexConfig
from qagraph.kb.knowledge import KnowledgeBase
from qagraph.kb.manifest import BuildConfig
from qagraph.kb.store import Store
from qagraph.retrieval.abstain import Abstainer, Decision
from qagraph.retrieval.answer import Answer, GraphView, assemble_answer
from qagraph.retrieval.concept_match import ConceptMatcher
from qagraph.retrieval.fusion import (
    FusionWeights,
    RetrievalConfig,
    check_variant,
    fuse,
    graph_boost,
    rank,
)
from qagraph.retrieval.lexical import LexicalIndex
from qagraph.retrieval.results import Candidates, Hit, QuerySignals, SearchResult
from qagraph.retrieval.vocabulary import load_vocabulary

__all__ = ["Hit", "QuerySignals", "Retriever", "SearchResult"]

logger = logging.getLogger(__name__)

_ALSO_DEPTH = 20
_QUERY_CACHE = 256  # query vectors kept: the eval runner asks each query once per variant


class Retriever:
    """Searches one knowledge base; build it once and share it.

    Args:
        kb: The knowledge base.
        encoder: The query encoder; must be the model the store was embedded with, or the
            dense index is re-embedded in memory.
        config: Fusion weights, depth and thresholds.
        abstainer: Abstention rule; by default the one fitted for the encoder.
        index_config: How to re-embed when the store has no usable dense index.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        encoder: Encoder,
        *,
        config: RetrievalConfig | None = None,
        abstainer: Abstainer | None = None,
        index_config: IndexConfig | None = None,
    ) -> None:
        self.kb = kb
        self.encoder = encoder
        self.config = config or RetrievalConfig()
        self.abstainer = abstainer or Abstainer.for_encoder(encoder.name)
        self._nodes = kb.nodes()
        self._by_id = {n.id: n for n in self._nodes}
        # Row of each node in the lexical index, which is built in the same (kb) order.
        self._row = {n.id: i for i, n in enumerate(self._nodes)}
        self.dense = DenseIndex.from_kb(kb, encoder, index_config)
        self.lexical = LexicalIndex(self._nodes)
        self.concepts = ConceptMatcher.from_kb(kb, vocabulary=load_vocabulary())
        self.graph = GraphView(kb)
        self._lock = threading.Lock()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def open(
        cls,
        store: str | Path,
        *,
        encoder: Encoder | None = None,
        config: RetrievalConfig | None = None,
    ) -> Retriever:
        """Open a store and load the encoder it was embedded with (unless one is given)."""
        kb = Store(store).open()
        if encoder is None:
            model = BuildConfig.from_manifest(kb.manifest).model or EncoderConfig().model
            encoder = load_encoder(EncoderConfig(model=model))
        return cls(kb, encoder, config=config)

    def __repr__(self) -> str:
        return f"Retriever({self.kb!r}, {self.encoder.fingerprint!r})"

    def embed_query(self, query: str) -> np.ndarray:
        """The query's unit vector (remembered for the last few hundred queries)."""
        return self.embed_queries([query])[0]

    def embed_queries(self, queries: Sequence[str]) -> list[np.ndarray]:
        """Unit vectors of several wordings of a query, the new ones in one forward pass."""
        with self._lock:
            found = {q: self._query_vectors.get(q) for q in queries}
            for query, vector in found.items():
                if vector is not None:
                    self._query_vectors.move_to_end(query)
        missing = [q for q, v in found.items() if v is None]
        if missing:
            vectors = self.encoder.encode(missing)
            with self._lock:
                for query, vector in zip(missing, vectors, strict=True):
                    found[query] = self._query_vectors[query] = vector
                while len(self._query_vectors) > _QUERY_CACHE:
                    self._query_vectors.popitem(last=False)
        return [found[q] for q in queries]

    def clear_cache(self) -> None:
        """Forget remembered query vectors (benchmarks time the embedding too)."""
        with self._lock:
            self._query_vectors.clear()

    def search(self, query: str, *, k: int = 10, variant: str = "hybrid") -> SearchResult:
        """Rank the nodes for a query and decide whether to abstain.

        Args:
            query: The user's question.
            k: Number of hits to return.
            variant: "lexical", "dense", "hybrid" or "hybrid+graph".

        Raises:
            ValueError: Unknown variant or k < 1.
        """
        check_variant(variant)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, not {k!r}")
        if not query.strip() or not self._nodes:
            reason = "the knowledge base is empty" if query.strip() else "the question is empty"
            return SearchResult(query, variant, [], True, 0.0, {}, [], reason)
        measured = self.signals(query)
        ranking = self.rank_signals(measured, variant)
        ranked = ranking[:k]
        values = measured.values
        hits = [
            Hit(self._by_id[n], round(s, 6), {name: values[name].get(n) for name in values})
            for n, s in ranked
        ]
        # Abstention reads the hybrid ranking: reuse it when that is the one just made.
        features = self.features(measured, ranking if variant == "hybrid" else None)
        decision = self.abstain(features)
        logger.debug("query %r: %s %s", query, features, decision)
        # Concepts no node mentions told abstention something; for the reader they are noise.
        named = [h for h in measured.concepts if self.concepts.covered(h.name)]
        return SearchResult(
            query,
            variant,
            hits,
            decision.abstain,
            decision.confidence,
            features,
            named,
            decision.reason,
        )

    def ask(self, query: str, *, k: int = 5) -> Answer:
        """Answer a question: the best node quoted with its citation, or an abstention."""
        return self.answer(self.search_for_answer(query, k=k), k=k)

    def search_for_answer(self, query: str, *, k: int = 5) -> SearchResult:
        """The search `ask` runs: the configured variant, deeper than the `k` shown so that
        every source answering the same question is found. A caller that needs the
        ranking too (the chat's suggestions) runs this once and passes it to `answer`."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, not {k!r}")
        return self.search(query, k=max(k, _ALSO_DEPTH), variant=self.config.variant)

    def answer(self, result: SearchResult, *, k: int = 5) -> Answer:
        """Assemble the answer of a search result (from `search_for_answer`)."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, not {k!r}")
        return assemble_answer(result, self.graph, self.same_question, k=k)

    def same_question(self, node_id: str, candidates: Sequence[str]) -> list[str]:
        """Candidates asking the same question as `node_id` (graph edge or close wording)."""
        ids = list(dict.fromkeys([node_id, *candidates]))
        return sorted(self.same_question_map(ids)[node_id])

    def same_question_map(self, node_ids: Sequence[str]) -> dict[str, set[str]]:
        """For each node, the others in `node_ids` asking the same question.

        Two nodes ask the same question when the graph links them by `same_question` or
        their questions' cosine reaches `config.same_question_sim`.
        """
        ids = list(node_ids)
        present = set(ids)
        close = self.dense.question_sims(ids) >= self.config.same_question_sim
        out: dict[str, set[str]] = {}
        for i, node_id in enumerate(ids):
            linked = self.graph.same_question.get(node_id, set()) & present
            out[node_id] = ({ids[j] for j in np.flatnonzero(close[i])} | linked) - {node_id}
        return out

    def signals(self, query: str) -> QuerySignals:
        """Stages 1 and 2 for one query: its candidates, then every signal on them."""
        return self.measure(self.candidates(query))

    def candidates(self, query: str) -> Candidates:
        """Stage 1: the union of each signal's top nodes for the query's wordings.

        A typo the corpus never uses ("precison") or an acronym ("FP") means little to
        the model, so the corrected and the expanded wordings are embedded too (in one
        forward pass) and each node's best cosine counts.
        """
        cfg = self.config
        terms = self.lexical.terms(query)
        concept_hits = self.concepts.match(query)
        concept_scores = self.concepts.node_scores(concept_hits)
        wordings = list(
            dict.fromkeys(
                v
                for v in (
                    query,
                    self.lexical.corrected_text(query, terms),
                    self.concepts.expand(query, concept_hits),
                )
                if v
            )
        )
        vectors = self.embed_queries(wordings)
        bm25 = self.lexical.scores(terms)
        ids: dict[str, None] = {}
        for qvec in vectors:
            ids.update(dict.fromkeys(self.dense.candidates(qvec, cfg.depth * 2)))
        for row in np.argsort(-bm25, kind="stable")[: cfg.depth]:
            if bm25[row] > 0:
                ids.setdefault(self.lexical.node_ids[row], None)
        top_concepts = sorted(concept_scores.items(), key=lambda kv: (-kv[1], kv[0]))
        for node_id, _ in top_concepts[: cfg.depth]:
            if node_id in self._by_id:
                ids.setdefault(node_id, None)
        return Candidates(list(ids), wordings, vectors, terms, bm25, concept_hits, concept_scores)

    def measure(self, found: Candidates) -> QuerySignals:
        """Stage 2: every signal of `SIGNALS` on every candidate (a new signal goes here
        and in `fusion.SIGNALS`)."""
        ids = found.ids
        # Every wording at once: each part keeps its best match over them.
        sims = self.dense.node_sims(np.asarray(found.vectors), ids)
        # -1 marks a part the node lacks: fusion treats it as missing, not as a low score.
        signals = {
            "dense_q": {n: sims[n].question for n in ids},
            "dense_a": {n: (sims[n].answer if sims[n].answer > -1 else None) for n in ids},
            "dense_field": {n: (sims[n].field if sims[n].field > -1 else None) for n in ids},
            "bm25": {n: float(found.bm25[self._row[n]]) for n in ids},
            "concept": {n: found.concept_scores.get(n, 0.0) for n in ids},
        }
        return QuerySignals(signals, found.terms, found.concept_hits)

    def rank_signals(
        self,
        measured: QuerySignals,
        variant: str,
        *,
        weights: FusionWeights | None = None,
        unanswered_penalty: float | None = None,
    ) -> list[tuple[str, float]]:
        """Fuse measured signals into (node id, score) pairs, best first.

        Args:
            measured: From `signals`.
            variant: One of `VARIANTS`.
            weights: Overrides the configured weights (tuning tries many).
            unanswered_penalty: Overrides the configured penalty.
        """
        cfg = self.config
        weights = weights or cfg.weights
        penalty = cfg.unanswered_penalty if unanswered_penalty is None else unanswered_penalty
        scores = fuse(measured.values, weights, variant)
        if variant == "hybrid+graph" and weights.graph > 0:
            scores = graph_boost(scores, self.same_question_map(list(scores)), weights.graph)
        for node_id in scores:
            if not self._by_id[node_id].answered:
                scores[node_id] -= penalty
        return rank(scores)

    def abstain(self, features: dict[str, float]) -> Decision:
        """Stage 4: whether the knowledge base covers the query, and why not."""
        return self.abstainer.decide(features)

    def features(
        self, measured: QuerySignals, ranked: list[tuple[str, float]] | None = None
    ) -> dict[str, float]:
        """The query-level features abstention decides on (from the hybrid ranking, made
        here unless given as `ranked`)."""
        signals, terms, concept_hits = measured
        if ranked is None:
            ranked = self.rank_signals(measured, "hybrid")
        dense_q = signals["dense_q"]
        q_sorted = sorted(dense_q.items(), key=lambda kv: (-kv[1], kv[0]))
        q_top = q_sorted[0][1] if q_sorted else 0.0
        # The runner-up is the best question worded differently from the top one: the same
        # question asked in two sources is agreement, not ambiguity.
        others = self.same_question(q_sorted[0][0], [n for n, _ in q_sorted]) if q_sorted else []
        same = {q_sorted[0][0], *others} if q_sorted else set()
        second = next((v for n, v in q_sorted if n not in same), q_top)
        answers = [v for v in signals["dense_a"].values() if v is not None]
        top_node = ranked[0][0] if ranked else None
        overlap = self.lexical.overlap(terms, self._row[top_node]) if top_node else 0.0
        covered = [h.score for h in concept_hits if self.concepts.covered(h.name)]
        uncovered = [h.score for h in concept_hits if not self.concepts.covered(h.name)]
        return {
            "q_top": round(q_top, 6),
            "a_top": round(max(answers, default=0.0), 6),
            "q_margin": round(q_top - second, 6),
            "overlap": round(overlap, 6),
            "known": round(terms.known, 6),
            "concept": round(max(covered, default=0.0), 6),
            "uncovered_concept": round(max(uncovered, default=0.0), 6),
        }
