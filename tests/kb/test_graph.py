"""The concept graph through the store: round trip, NetworkX queries, lookup and GraphML."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from qagraph.encoders import EncoderConfig
from qagraph.eval.graph_stats import Lookup, graph_stats
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Store
from qagraph.kb.graph import ConceptGraph, ConceptNotFound
from qagraph.kb.records import concept_node_id

DOC_A = """# ML notes

Q: What is a random forest?
Random forests average many decision trees. A random forest reduces variance.

Q: What is Principal Component Analysis (PCA)?
PCA projects the data onto principal components.

Q: What are the differences between L1 and L2 regularization?
L1 regularization (lasso) gives sparse weights; L2 regularization shrinks them.

Q: What is regularization?
Regularization adds a penalty that prevents overfitting.
"""
DOC_B = """Q: How does a random forest work?
A random forest trains decision trees on bootstrap samples.

Q: What does PCA do?
PCA reduces the dimensionality of the data.

Q: What's the difference between Lasso and Ridge Regression?
Lasso can set weights to zero; ridge regression cannot.

Q: What is regularization?
A penalty on model complexity that reduces overfitting.
"""
HASHING = IngestConfig(progress=False, encoder=EncoderConfig(model="hashing"))


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.md").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("graph")
    result = ingest([write_docs(root / "docs")], store=root / "store", config=HASHING)
    assert result.ok
    return root / "store"


@pytest.fixture(scope="module")
def graph(store: Path) -> ConceptGraph:
    with Store(store).open() as kb:
        return ConceptGraph(kb)


def test_concepts_round_trip_through_the_store(store: Path) -> None:
    with Store(store).open() as kb:
        concepts = {c.name: c for c in kb.concepts()}
        assert kb.manifest["counts"]["concepts"] == len(concepts) > 0
        assert "pca" in concepts["principal component analysis"].aliases
        assert concepts["l1 regularization"].broader == ("regularization",)
        assert kb.concept("random forest").origin == "glossary"
        with pytest.raises(KeyError):
            kb.concept("no such concept")
        assert all(n.concepts for n in kb.nodes())
        kinds = {e.kind for e in kb.edges()}
        assert {"from", "mentions", "broader", "related", "same_question"} <= kinds
        assert kb.manifest["graph"]["concepts"] == len(concepts)


def test_networkx_graph_has_typed_nodes_and_edges(graph: ConceptGraph) -> None:
    kinds = nx.get_node_attributes(graph.graph, "kind")
    assert set(kinds.values()) == {"source", "qa", "concept"}
    assert kinds[concept_node_id("random forest")] == "concept"
    node = graph.kb.nodes()[0]
    assert graph.graph.nodes[node.id]["source"] == node.source
    edge_kinds = {k for _, _, k in graph.graph.edges(keys=True)}
    assert {"from", "mentions", "broader", "related", "same_question"} <= edge_kinds


def test_concept_queries(graph: ConceptGraph) -> None:
    by_source = graph.by_source("random forest")
    assert set(by_source) == {"a.md", "b.txt"}
    assert sum(len(v) for v in by_source.values()) == len(graph.nodes_of("random forest"))
    assert "l1 regularization" in graph.narrower("regularization")
    assert graph.broader("l2 regularization") == ["regularization"]
    assert graph.degree("regularization") > 0
    assert graph.top_concepts(3)[0][1] >= graph.top_concepts(3)[-1][1]
    related = graph.related("random forest")
    assert related == sorted(related, key=lambda p: (-p[1], p[0]))


def test_same_question_groups(graph: ConceptGraph) -> None:
    groups = graph.same_question_groups()
    questions = [{graph.kb.node(i).question for i in g} for g in groups]
    assert {"What is regularization?"} in questions
    assert any(
        q
        >= {
            "What are the differences between L1 and L2 regularization?",
            "What's the difference between Lasso and Ridge Regression?",
        }
        for q in questions
    )
    first = groups[0][0]
    assert first in graph.same_question(first)


@pytest.mark.parametrize(
    ("query", "expected", "how"),
    [
        ("random forests", "random forest", "name"),
        ("Random-Forest", "random forest", "name"),
        ("PCA", "principal component analysis", "alias"),
        ("lasso", "l1 regularization", "alias"),
        ("regularisation", "regularization", "name"),
        ("reguralization", "regularization", "fuzzy"),
        ("principle component analysis", "principal component analysis", "fuzzy"),
    ],
)
def test_resolve(graph: ConceptGraph, query: str, expected: str, how: str) -> None:
    found = graph.resolve(query)
    assert (found.name, found.how) == (expected, how)


def test_unknown_concept_suggests(graph: ConceptGraph) -> None:
    with pytest.raises(ConceptNotFound) as info:
        graph.resolve("random forestry model zoo")
    assert "random forest" in info.value.suggestions
    assert "did you mean" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConceptNotFound):
        graph.resolve("XYZ")  # a short query never resolves by typo


def test_graphml_export_reads_back(graph: ConceptGraph, tmp_path: Path) -> None:
    path = graph.export_graphml(tmp_path / "kb.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == graph.graph.number_of_nodes()
    assert back.number_of_edges() == graph.graph.number_of_edges()
    node = concept_node_id("principal component analysis")
    assert back.nodes[node]["kind"] == "concept" and "pca" in back.nodes[node]["aliases"]
    kinds = {d["kind"] for _, _, d in back.edges(data=True)}
    assert "same_question" in kinds


def test_stats(graph: ConceptGraph) -> None:
    lookups = [Lookup("PCA", "principal component analysis"), Lookup("svm", "nothing")]
    stats = graph_stats(graph, lookups, top=5)
    assert stats["answered_with_concept"] == 1.0
    assert len(stats["top_by_degree"]) == 5
    assert stats["lookups"]["resolved"] == 1
    assert stats["lookups"]["failures"] == [{"query": "svm", "expected": "nothing", "got": None}]


def test_a_store_from_before_concepts_opens(store: Path, tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old"
    shutil.copytree(store, old)
    generation = old / (old / "CURRENT").read_text().strip()
    with sqlite3.connect(generation / "store.sqlite") as conn:
        conn.execute("DROP TABLE concepts")
    manifest = json.loads((generation / "manifest.json").read_text())
    del manifest["counts"]["concepts"]
    (generation / "manifest.json").write_text(json.dumps(manifest))
    with Store(old).open() as kb:
        assert kb.concepts() == []
        assert ConceptGraph(kb).concepts() == []
