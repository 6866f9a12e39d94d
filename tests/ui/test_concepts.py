"""Concept lookup: suggestions, cards, neighbourhoods, and the Concepts tab's page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import plotly.graph_objects as go

from qagraph.kb import Concept, Edge, KnowledgeBase, QANode
from qagraph.ui.concept_index import ConceptIndex
from qagraph.ui.handlers import concepts


def test_suggestions_forgive_typos_and_prefer_prefixes(ui_state) -> None:
    snap = ui_state.snapshot
    assert concepts.suggest(snap, "regularizaton")[0] == "regularization"
    assert concepts.suggest(snap, "l1")[0] == "l1 regularization"
    assert concepts.suggest(snap, "drop")[0] == "dropout"
    top = [name for name, _ in snap.concepts.most_mentioned(8)]
    assert concepts.suggest(snap, "") == top  # nothing typed: the most mentioned


def test_resolve_accepts_names_spellings_and_typos(ui_state) -> None:
    index = ui_state.snapshot.concepts
    assert index.resolve("Dropout") == "dropout"
    assert index.resolve("gradiant descent") == "gradient descent"
    assert index.resolve("quantum chromodynamics") is None


def test_a_card_lists_neighbours_and_nodes_by_source(ui_state) -> None:
    card = ui_state.snapshot.concepts.card("regularization")
    assert {"l1 regularization", "l2 regularization", "dropout"} <= set(card.narrower)
    assert "overfitting" in card.related
    assert "regularisation" in card.aliases
    assert "000_bf0be15a9e8227b4.txt" in card.nodes_by_source
    assert card.n_nodes == sum(len(v) for v in card.nodes_by_source.values()) > 3
    l1 = ui_state.snapshot.concepts.card("l1 regularization")
    assert l1.broader == ("regularization",) and l1.related[0] == "l2 regularization"


def test_the_neighbourhood_is_a_networkx_graph_of_concepts_questions_sources(ui_state) -> None:
    graph = ui_state.snapshot.concepts.neighbourhood("dropout")
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert kinds == {"concept", "qa", "source"}
    assert graph.nodes["concept:dropout"]["center"] is True
    assert graph.has_edge("concept:dropout", "concept:regularization")


def test_the_page_has_card_nodes_picture_and_next_steps(ui_state) -> None:
    page = concepts.page(ui_state.snapshot, "regularizaton")
    assert page.name == "regularization"
    assert page.card.startswith("## regularization")
    narrower = next(line for line in page.card.splitlines() if line.startswith("**Narrower:**"))
    assert all(n in narrower for n in ("dropout", "l1 regularization", "l2 regularization"))
    assert "#### 000_bf0be15a9e8227b4.txt" in page.nodes and "<details>" in page.nodes
    assert isinstance(page.figure, go.Figure) and len(page.figure.data) >= 4
    assert "overfitting" in page.neighbours


def test_unknown_and_empty_lookups_explain_themselves(ui_state) -> None:
    assert concepts.page(ui_state.snapshot, "").name is None
    unknown = concepts.page(ui_state.snapshot, "xyzzy plugh")
    assert unknown.name is None and "No concept matches" in unknown.card


def test_a_store_without_concepts_says_so(ui_state) -> None:
    kb = ui_state.snapshot.kb
    bare = KnowledgeBase(
        path=kb.path,
        manifest=kb.manifest,
        sources=kb.sources(),
        nodes=[dataclasses.replace(n, concepts=()) for n in kb.nodes()],
        edges=[],
    )
    snap = dataclasses.replace(ui_state.snapshot, kb=bare, concepts=ConceptIndex(bare))
    assert "no concepts yet" in concepts.page(snap, "dropout").card


def test_find_in_names_concepts_longest_first() -> None:
    node = QANode("qa_1", "a.md", None, None, "q", "a", 1, 2, True, ("gradient descent",))
    kb = KnowledgeBase(
        path=Path("."),
        manifest={},
        sources=[],
        nodes=[node],
        edges=[Edge("qa_1", "concept:gradient descent", "mentions")],
        concepts=[Concept("gradient descent", aliases=("gd",)), Concept("gradient")],
    )
    index = ConceptIndex(kb)
    assert index.find_in("Why does Gradient Descent converge?") == [
        ("gradient descent", "Gradient Descent")
    ]
    assert index.find_in("is GD fast? what is a gradient?") == [
        ("gradient descent", "GD"),
        ("gradient", "gradient"),
    ]
