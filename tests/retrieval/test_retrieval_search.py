"""`Retriever.search` and `Retriever.ask` over a small store (hashing encoder)."""

from __future__ import annotations

import threading

import pytest

from qagraph.retrieval import VARIANTS, Retriever


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_finds_the_matching_question(small_retriever: Retriever, variant: str):
    result = small_retriever.search("how does a random forest work", k=3, variant=variant)
    assert result.variant == variant
    assert result.hits[0].node.question == "How does a random forest work?"
    assert len(result.hits) <= 3
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    assert set(result.hits[0].signals) == {"dense_q", "dense_a", "dense_field", "bm25", "concept"}
    assert not result.abstained


def test_search_is_deterministic(small_retriever: Retriever) -> None:
    runs = [small_retriever.search("gradient", k=10) for _ in range(3)]
    assert len({tuple((h.node.id, h.score) for h in r.hits) for r in runs}) == 1


def test_search_is_thread_safe(small_retriever: Retriever) -> None:
    expected = [h.node.id for h in small_retriever.search("confusion matrix", k=5).hits]
    seen: list[list[str]] = []

    def work() -> None:
        for _ in range(20):
            seen.append([h.node.id for h in small_retriever.search("confusion matrix", k=5).hits])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(s == expected for s in seen) and len(seen) == 80


def test_bad_arguments_are_rejected_early(small_retriever: Retriever) -> None:
    with pytest.raises(ValueError, match="lexical, dense, hybrid, hybrid\\+graph"):
        small_retriever.search("x", variant="semantic")
    with pytest.raises(ValueError, match="k must be"):
        small_retriever.search("x", k=0)
    with pytest.raises(ValueError, match="k must be"):
        small_retriever.ask("x", k=0)


def test_nonsense_and_empty_queries_abstain(small_retriever: Retriever) -> None:
    assert small_retriever.search("zxqv blorptang wubwub").abstained
    assert small_retriever.search("   ").abstained
    answer = small_retriever.ask("zxqv blorptang wubwub")
    assert answer.abstained and answer.best is None and answer.results == []
    assert "does not cover" in answer.message
    assert answer.to_json()["abstain_reason"] == answer.abstain_reason != ""
    assert small_retriever.ask("  ").abstain_reason == "the question is empty"


def test_ask_quotes_an_answered_node_and_lists_the_other_sources(
    small_retriever: Retriever,
) -> None:
    answer = small_retriever.ask("What is gradient descent?", k=5)
    assert not answer.abstained
    # b.txt lists the question without an answer: the quoted node must have one.
    assert answer.best.node.answered and answer.best.node.source in {"a.txt", "c.txt"}
    assert answer.best.node.answer.splitlines()[0] in answer.text
    assert answer.text.splitlines()[-1].startswith(f"— {answer.best.node.source}, line")
    also = [h.node.source for h in answer.also_answered_in]
    assert also == [s for s in ("a.txt", "c.txt") if s != answer.best.node.source]
    assert len(answer.results) <= 5


def test_ask_json_shape(small_retriever: Retriever) -> None:
    data = small_retriever.ask("random forest", k=2).to_json()
    assert {"query", "abstained", "results", "related_concepts", "contradictions"} <= set(data)
    assert data["query"] == "random forest" and data["abstained"] is False
    assert data["abstain_reason"] is None
    first = data["results"][0]
    assert {
        "id", "source", "number", "section", "question", "answer", "line_start", "line_end",
        "answered", "concepts", "location", "score",
    } == set(first)  # fmt: skip
    assert first["location"] is None  # text sources are cited by line
    assert isinstance(first["score"], float)
    assert data["answer"].startswith("> A random forest")
    assert data["citation"] == "b.txt, lines 3-4"


def test_features_name_glossary_concepts_the_store_lacks(small_retriever: Retriever) -> None:
    result = small_retriever.search("lstm vs gru")
    assert result.features["uncovered_concept"] == 1.0
    assert result.concepts == []  # not offered to the reader as a topic
    covered = small_retriever.search("random forest")
    assert covered.features["uncovered_concept"] == 0.0
    assert set(covered.features) == {
        "q_top", "a_top", "q_margin", "overlap", "known", "concept", "uncovered_concept",
    }  # fmt: skip


def test_typo_and_acronym_variants_are_embedded(small_retriever: Retriever) -> None:
    result = small_retriever.search("gradiant desent", k=3)
    assert result.hits[0].node.question == "What is gradient descent?"
    assert result.features["known"] == 1.0
