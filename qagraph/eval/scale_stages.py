"""The ingest stages the scale bench times, how each one's cost grows, and the wrapping.

`timed_pipeline` times every pipeline stage by wrapping the functions the pipeline calls
(nothing in the pipeline changes):

| stage | what | grows with N as |
|---|---|---|
| read/split | read each file, split it into nodes | N |
| concepts | phrases, glossary, variants, mentions, keyphrases | N (+ phrases; synonyms: k-NN) |
| related | concept co-occurrence (NPMI), name similarity | N c^2 (c a node); names: C k |
| graph links | question topics, question vectors | N |
| same-question pairs | k-NN of each question, blocks of near-repeats | N k (+ blocks squared) |
| embedding/index | unit vectors (model) and the FAISS index | N |
| contradiction candidates | k-NN of questions and of answers' TF-IDF | N k |
| contradictions | claims and rules per candidate, misfit by k-NN | candidates: <= N k |
| store write | nodes, edges, manifest (the rest of the write) | N + edges |

k-NN, FAISS neighbours (`qagraph.ingest.neighbours`): each row's k nearest rows, from an exact
flat index up to 20,000 rows (N^2 d multiply-adds in one BLAS pass, linear memory), from
an HNSW graph above (N log N). Answers' TF-IDF vectors are compared exactly up to 5,000
nodes, above through a 256-dimension random projection searched the same way. A block of
near-repeats: questions with the same concepts and the same other words, but one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from qagraph.eval.stage_clock import StageClock, TimedEncoder

logger = logging.getLogger(__name__)


#: (module, attribute, stage) of the functions the pipeline calls, wrapped while timing.
_STAGES = (
    ("qagraph.ingest.pipeline", "_ingest_file", "read/split"),
    ("qagraph.ingest.pipeline", "build_graph", "graph links"),
    ("qagraph.ingest.graph", "extract_concepts", "concepts"),
    ("qagraph.ingest.graph", "related_edges", "related"),
    ("qagraph.ingest.graph", "same_question_edges", "same-question pairs"),
    ("qagraph.ingest.pipeline", "build_retrieval_index", "embedding/index"),
    ("qagraph.ingest.pipeline", "detect_contradictions", "contradictions"),
    ("qagraph.ingest.contradictions.detect", "find_candidates", "contradiction candidates"),
    ("qagraph.ingest.pipeline", "_write", "store write"),
)
#: Printed in this order.
STAGE_ORDER = (
    "read/split",
    "concepts",
    "related",
    "graph links",
    "same-question pairs",
    "embedding/index",
    "contradiction candidates",
    "contradictions",
    "store write",
)
#: How each stage's cost grows with the number of questions N (after this change).
COMPLEXITY = {
    "read/split": "O(N) (per file)",
    "concepts": "O(N) texts, phrase vectors O(phrases); synonyms: FAISS k-NN",
    "related": "O(N c^2) co-occurrence; names: FAISS k-NN O(C k)",
    "graph links": "O(N) topics + N question vectors",
    "same-question pairs": "FAISS k-NN O(N k) (flat <= 20k rows, HNSW above) + near-repeat "
    "blocks O(b^2)",
    "embedding/index": "O(N) units; flat index O(N d)",
    "contradiction candidates": "FAISS k-NN of questions and projected TF-IDF, O(N k) pairs",
    "contradictions": "candidates x claims, misfit by FAISS k-NN; candidates "
    "<= N * max_per_node + same-question pairs",
    "store write": "O(N + edges)",
}


@contextlib.contextmanager
def timed_pipeline(clock: StageClock, keep: list[str] | None = None) -> Iterator[None]:
    """Wrap the pipeline's stages (and the encoder it loads) with `clock`; the texts the
    model embeds are appended to `keep` when given."""
    import importlib
    from unittest import mock

    from qagraph.ingest import pipeline

    def load(config, *args, **kwargs):
        return TimedEncoder(real_load(config, *args, **kwargs), clock, keep)

    real_load = pipeline.load_encoder
    with contextlib.ExitStack() as stack:
        for module_name, attr, stage in _STAGES:
            module = importlib.import_module(module_name)
            stack.enter_context(
                mock.patch.object(module, attr, clock.wrap(stage, getattr(module, attr)))
            )
        stack.enter_context(mock.patch.object(pipeline, "load_encoder", load))
        yield
