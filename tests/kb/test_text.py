"""The text core: one normalisation, one word regex, one list of function words, and every
reader of text that is built on it reading a typographic spelling as the plain one."""

from __future__ import annotations

from pathlib import Path

from qagraph.ingest.concepts.text import tokenize
from qagraph.ingest.concepts.words import STOP_WORDS as CHUNKER_STOP_WORDS
from qagraph.ingest.contradictions.words import STOP_WORDS as CLAIM_STOP_WORDS
from qagraph.ingest.contradictions.words import tokens as claim_tokens
from qagraph.kb import Concept, Edge, KnowledgeBase, QANode
from qagraph.kb.lookup import ConceptLookup
from qagraph.kb.terms import term_key, term_tokens
from qagraph.kb.text import STOP_WORDS, normalize, split_word, word_spans, words
from qagraph.retrieval.concept_match import ConceptMatcher
from qagraph.retrieval.lexical import LexicalIndex
from qagraph.retrieval.lexical import words as bm25_words
from qagraph.ui.concept_index import ConceptIndex


def test_normalize_folds_unicode_quotes_dashes_case_and_spaces() -> None:
    assert normalize("  Naïve\tBayes’ ﬁlter ") == "naïve bayes' filter"
    assert normalize("Bias–Variance trade‑off") == "bias-variance trade-off"
    assert normalize("“Quoted”") == '"quoted"'
    # An em dash separates clauses: it never becomes a hyphen joining two words.
    assert words("fraud—availability") == ["fraud", "availability"]


def test_one_word_regex_with_joiners() -> None:
    assert words("What’s the bias–variance trade-off of n_estimators?") == [
        "what's", "the", "bias-variance", "trade-off", "of", "n_estimators",
    ]  # fmt: skip
    assert words("A/B tests, 3x3 (L1)") == ["a", "b", "tests", "3x3", "l1"]
    assert split_word("cross-validation's") == ["cross", "validation", "s"]
    assert split_word("n_estimators", "-'") == ["n_estimators"]


def test_word_spans_point_at_the_words_as_written() -> None:
    text = "Is Gradient‑Descent’s rate  fixed?"
    spans = word_spans(text)
    assert [text[s:e] for s, e in spans] == ["Is", "Gradient‑Descent’s", "rate", "fixed"]
    assert [normalize(text[s:e]) for s, e in spans] == words(text)


def test_every_reader_reads_typographic_marks_as_plain_ones() -> None:
    assert term_key("trade‑off") == term_key("trade-off") == term_key("tradeoff")
    assert term_tokens("Bayes’s rule") == term_tokens("Bayes's rule") == ["bayes", "rule"]
    assert bm25_words("cross‑validation") == bm25_words("cross-validation")
    assert claim_tokens("it doesn’t") == claim_tokens("it doesn't") == ["it", "does", "not"]
    typographic = [(t.text, t.lower) for t in tokenize("the bias‑variance trade‑off")]
    assert typographic == [
        ("the", "the"), ("bias‑variance", "bias-variance"), ("trade‑off", "trade-off"),
    ]  # fmt: skip

    concepts = [Concept("bayes' theorem"), Concept("t-sne", aliases=("tsne",))]
    matcher = ConceptMatcher(concepts, {"bayes' theorem": ["qa_1"], "t-sne": ["qa_1"]})
    assert [h.name for h in matcher.match("What is Bayes’ theorem?")] == ["bayes' theorem"]
    assert [h.name for h in matcher.match("explain t‑SNE")] == ["t-sne"]

    lookup = ConceptLookup(concepts)
    assert lookup.resolve("T‑SNE").name == "t-sne"
    assert lookup.resolve("t-SNE algorithm?").name == "t-sne"


def test_find_in_matches_words_not_characters() -> None:
    node = QANode("qa_1", "a.md", None, None, "q", "a", 1, 2, True, ("bayes' theorem",))
    kb = KnowledgeBase(
        path=Path("."), manifest={}, sources=[], nodes=[node],
        edges=[Edge("qa_1", "concept:bayes' theorem", "mentions")],
        concepts=[Concept("bayes' theorem"), Concept("pca"), Concept("student's t-test")],
    )  # fmt: skip
    index = ConceptIndex(kb)
    assert index.find_in("Is Bayes’ theorem like PCA’s trick?") == [
        ("bayes' theorem", "Bayes’ theorem"), ("pca", "PCA"),
    ]  # fmt: skip
    assert index.find_in("a Student’s  t‑test") == [("student's t-test", "Student’s  t‑test")]
    assert index.find_in("prebayes' theorem-like") == []


def test_lexical_correction_keeps_the_query_as_written() -> None:
    node = QANode("qa_1", "a.txt", None, None, "What is gradient descent?", "", 1, 1, True)
    index = LexicalIndex([node])
    terms = index.terms("Gradiant‑desent’s rate?")
    assert terms.corrected == {"gradiant": "gradient", "desent": "descent"}
    assert index.corrected_text("Gradiant‑desent’s rate?", terms) == "gradient‑descent’s rate?"


def test_stop_word_lists_extend_the_core_list() -> None:
    assert STOP_WORDS < CHUNKER_STOP_WORDS
    assert STOP_WORDS < CLAIM_STOP_WORDS
    assert {"the", "of", "which", "using"} <= STOP_WORDS
    assert not STOP_WORDS & {"not", "no", "never", "all", "without", "more", "less"}
