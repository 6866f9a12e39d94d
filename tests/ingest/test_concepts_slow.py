"""The concept graph of the bundled corpus with the real model: the figures the issue asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from qagraph.eval.graph_stats import graph_stats, load_lookups
from qagraph.ingest.graph import build_graph
from qagraph.ingest.pipeline import bundled_corpus
from qagraph.ingest.readers import iter_input_files, read_document
from qagraph.ingest.split import split_document
from qagraph.kb import KnowledgeBase
from qagraph.kb.graph import ConceptGraph

pytestmark = pytest.mark.slow

# Words that name no concept in any ML textbook's table of contents.
GENERIC = {
    "way", "model", "models", "data", "thing", "example", "question", "answer", "time",
    "problem", "approach", "method", "technique", "feature", "features", "user", "users",
    "value", "values", "number", "set", "result", "performance", "algorithm", "algorithms",
    "system", "interview", "netflix", "dataset", "business", "engineer", "project", "work",
}  # fmt: skip


@pytest.fixture(scope="module")
def graph(minilm_encoder, tmp_path_factory: pytest.TempPathFactory) -> ConceptGraph:
    files, problems = iter_input_files([bundled_corpus()])
    assert not problems
    nodes = [n for path, name in files for n in split_document(read_document(path, name=name))]
    built = build_graph(nodes, encoder=minilm_encoder)
    kb = KnowledgeBase(
        path=Path(tmp_path_factory.mktemp("kb")),
        manifest={},
        sources=[],
        nodes=built.nodes,
        edges=built.edges,
        concepts=built.concepts,
    )
    return ConceptGraph(kb)


def test_every_answered_node_has_a_concept(graph: ConceptGraph) -> None:
    answered = [n for n in graph.kb.nodes() if n.answered]
    assert len(answered) > 100
    assert sum(bool(n.concepts) for n in answered) / len(answered) == 1.0


def test_bias_variance_is_one_question_in_four_sources(graph: ConceptGraph) -> None:
    found = graph.resolve("bias-variance tradeoff").name
    asking = [n for n in graph.kb.nodes() if found in n.concepts[:2]]
    groups = [graph.same_question(n.id) for n in asking]
    group = max(groups, key=len)
    sources = {graph.kb.node(i).source for i in group}
    assert len(sources) >= 4, [graph.kb.node(i).question for i in group]


def test_top_concepts_by_degree_are_not_generic(graph: ConceptGraph) -> None:
    top = [name for name, _ in graph.top_concepts(20)]
    assert len(top) == 20
    assert not set(top) & GENERIC, top
    assert {"overfitting", "regularization", "classification"} <= set(top)


def test_lookup_set_resolves(graph: ConceptGraph) -> None:
    lookups = load_lookups()
    assert len(lookups) >= 40
    assert {"typo", "acronym", "plural", "multi-word", "british"} <= {x.kind for x in lookups}
    stats = graph_stats(graph, lookups)["lookups"]
    assert stats["accuracy"] >= 0.95, stats["failures"]


def test_same_question_links_are_conservative(graph: ConceptGraph) -> None:
    kb = graph.kb
    for edge in kb.edges("same_question"):
        a, b = kb.node(edge.src), kb.node(edge.dst)
        # Each link shares a concept (or one a part of it: "bias" of "bias-variance tradeoff"),
        # or repeats one question nearly word for word.
        near = {x for c in a.concepts for x in (c, *graph.broader(c))}
        near_b = {x for c in b.concepts for x in (c, *graph.broader(c))}
        assert near & near_b or edge.attrs["rule"] == "wording", (a.question, b.question)
    recommend = [n for n in kb.nodes() if "recommendation" in n.question.lower()]
    grouped = [n for n in recommend if len(graph.same_question(n.id)) > 1]
    assert len(grouped) <= 2, [n.question for n in grouped]
