"""Concept extraction on small inline corpora with the hashing encoder (fast, deterministic)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qagraph.ingest.concepts import ConceptConfig, GlossaryError, extract_concepts, load_glossary
from qagraph.kb.records import QANode, make_node_id

# Extraction alone: no glossary, and no relevance bar for single words (the hashing
# encoder's similarities say nothing about meaning).
BARE = ConceptConfig(builtin_glossary=False, min_relevance=0.0)


def qa(source: str, question: str, answer: str, line: int = 1) -> QANode:
    return QANode(
        id=make_node_id(source, question),
        source=source,
        number=None,
        section=None,
        question=question,
        answer=answer,
        line_start=line,
        line_end=line + 1,
        answered=bool(answer),
    )


CORPUS = [
    qa("a.md", "What is a random forest?", "Random forests are ensembles of decision trees.", 1),
    qa("a.md", "Why use batch normalisation?", "Batch normalisation makes training stable.", 3),
    qa("a.md", "Explain Principal Component Analysis (PCA).", "PCA finds principal components.", 5),
    qa(
        "a.md",
        "What is the difference between L1 and L2 regularization?",
        "L1 regularization gives sparse weights and regularization prevents overfitting.",
        7,
    ),
    qa("b.md", "How does a random forest work?", "A random forest averages decision trees.", 1),
    qa("b.md", "What is batch normalization?", "Batch normalization rescales activations.", 3),
    qa("b.md", "What does PCA do?", "PCA projects the data onto fewer dimensions.", 5),
    qa(
        "b.md",
        "When is regularization needed?",
        "Regularization helps when a model overfits; L2 regularization and L1 regularization "
        "both work, and regularizaton is a common misspelling.",
        7,
    ),
]


@pytest.fixture(scope="module")
def bare(hashing_encoder):
    return extract_concepts(CORPUS, encoder=hashing_encoder, config=BARE)


def by_name(result) -> dict:
    return {c.name: c for c in result.concepts}


def concepts_of(result, question: str) -> tuple[str, ...]:
    return next(n.concepts for n in result.nodes if n.question == question)


def test_plurals_are_one_concept(bare) -> None:
    concepts = by_name(bare)
    assert "random forest" in concepts
    assert "random forests" not in concepts
    assert "random forests" in concepts["random forest"].aliases


def test_british_and_american_spellings_are_one_concept(bare) -> None:
    names = [n for n in by_name(bare) if n.startswith("batch normali")]
    assert len(names) == 1
    assert names[0] in concepts_of(bare, "Why use batch normalisation?")
    assert names[0] in concepts_of(bare, "What is batch normalization?")


def test_acronym_definition_makes_an_alias(bare) -> None:
    pca = by_name(bare)["principal component analysis"]
    assert pca.origin == "acronym" and "pca" in pca.aliases
    assert "principal component analysis" in concepts_of(bare, "What does PCA do?")


def test_head_noun_gives_a_broader_link(bare) -> None:
    concepts = by_name(bare)
    assert concepts["l1 regularization"].broader == ("regularization",)
    assert "regularization" in concepts["l2 regularization"].broader


def test_coordination_mentions_both_concepts(bare) -> None:
    found = concepts_of(bare, "What is the difference between L1 and L2 regularization?")
    assert {"l1 regularization", "l2 regularization"} <= set(found)
    # The question's concepts come first.
    assert found[0] in {"l1 regularization", "l2 regularization"}


def test_a_typo_is_folded_into_the_frequent_spelling(bare) -> None:
    assert not any("regularizaton" in n for n in by_name(bare))


def test_every_node_gets_a_concept(hashing_encoder) -> None:
    odd = qa("c.md", "Tell me about your hobbies.", "I like hiking in the mountains on weekends.")
    result = extract_concepts([*CORPUS, odd], encoder=hashing_encoder, config=BARE)
    assert all(n.concepts for n in result.nodes)
    assert result.stats["covered_nodes"] == len(CORPUS) + 1


def test_generic_words_are_no_concepts(hashing_encoder) -> None:
    nodes = [
        qa("g.md", f"What is the best way to do thing {i}?", "There is one way: the thing.", i)
        for i in range(4)
    ]
    result = extract_concepts(nodes, encoder=hashing_encoder, config=BARE)
    assert not {"way", "thing", "best way"} & set(by_name(result))


def test_mentions_weigh_questions_most(bare) -> None:
    weights = {(m.node, m.concept): m for m in bare.mentions}
    node = next(n for n in bare.nodes if n.question == "What is a random forest?")
    mention = weights[(node.id, "random forest")]
    assert mention.in_question and mention.weight == 1.0


def test_builtin_glossary_gives_names_and_aliases(hashing_encoder) -> None:
    nodes = [
        qa("a.md", "When are SVMs better than a lasso?", "An SVM maximises the margin.", 1),
        qa("b.md", "What is ridge regression?", "Ridge regression penalises large weights.", 1),
    ]
    result = extract_concepts(nodes, encoder=hashing_encoder)
    concepts = by_name(result)
    assert concepts["support vector machine"].origin == "glossary"
    assert "svm" in concepts["support vector machine"].aliases
    assert {"support vector machine", "l1 regularization"} <= set(result.nodes[0].concepts)
    assert result.nodes[1].concepts[0] == "l2 regularization"


def test_user_glossary_extends_replaces_and_removes(tmp_path: Path, hashing_encoder) -> None:
    user = tmp_path / "mine.json"
    entries = [
        {"name": "gizmo learning", "aliases": ["GZL"], "broader": ["machine learning"]},
        {"name": "support vector machine", "aliases": ["svm", "max margin machine"]},
        {"name": "random forest", "remove": True},
    ]
    user.write_text(json.dumps({"concepts": entries}), encoding="utf-8")
    nodes = [
        qa("a.md", "What is GZL?", "GZL is machine learning with gizmos.", 1),
        qa("a.md", "Explain the SVM.", "A max margin machine separates classes.", 3),
    ]
    config = ConceptConfig(glossary_paths=(str(user),))
    result = extract_concepts(nodes, encoder=hashing_encoder, config=config)
    concepts = by_name(result)
    assert concepts["gizmo learning"].broader == ("machine learning",)
    assert concepts["support vector machine"].aliases == ("svm", "max margin machine")
    assert "random forest" not in load_glossary([user])
    only_mine = load_glossary([user], builtin=False)
    assert len(only_mine) == 2 and "machine learning" not in only_mine


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"concepts": [{"aliases": ["x"]}]}', "needs a non-empty 'name'"),
        ('{"concepts": [{"name": "x", "alias": ["y"]}]}', "unknown field 'alias'"),
        ('{"concepts": [{"name": "x", "aliases": "y"}]}', "'aliases' must be a list"),
        ('{"concepts": 3}', "must hold a list"),
    ],
)
def test_bad_glossary_file_is_a_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message) as info:
        load_glossary([path])
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_missing_glossary_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="does not exist"):
        load_glossary([tmp_path / "nope.json"])


def test_an_ambiguous_acronym_is_read_in_context(hashing_encoder) -> None:
    nodes = [
        qa(
            "topics.md",
            "What is LDA in topic modeling?",
            "LDA is a generative topic model: documents are mixtures of topics and words.",
        ),
        qa(
            "classes.md",
            "Explain linear discriminant analysis.",
            "LDA finds the directions that separate the classes.",
        ),
    ]
    result = extract_concepts(nodes, encoder=hashing_encoder)
    assert "latent dirichlet allocation" in result.nodes[0].concepts
    assert "linear discriminant analysis" not in result.nodes[0].concepts
    assert "linear discriminant analysis" in result.nodes[1].concepts


def test_a_name_links_only_from_questions_that_name_it(hashing_encoder) -> None:
    nodes = [
        qa("n.md", "How does Netflix rank shows?", "Netflix ranks shows by watch time.", 1),
        qa("n.md", "What is collaborative filtering?", "Netflix uses collaborative filtering.", 3),
        qa("n.md", "Why does Netflix test so much?", "Netflix runs many A/B tests.", 5),
    ]
    result = extract_concepts(nodes, encoder=hashing_encoder, config=BARE)
    assert by_name(result)["netflix"].origin == "name"
    assert "netflix" in result.nodes[0].concepts and "netflix" in result.nodes[2].concepts
    assert "netflix" not in result.nodes[1].concepts


def test_no_nodes_gives_no_concepts(hashing_encoder) -> None:
    result = extract_concepts([], encoder=hashing_encoder)
    assert result.concepts == [] and result.nodes == []


def test_a_user_glossary_splits_a_builtin_alias(tmp_path: Path, hashing_encoder) -> None:
    user = tmp_path / "split.json"
    user.write_text(json.dumps([{"name": "ridge regression", "aliases": ["ridge"]}]))
    nodes = [
        qa(
            "a.md", "What is L2 regularization?", "L2 regularization, also called ridge regression."
        ),
        qa("b.md", "When is ridge regression used?", "Ridge regression handles collinearity."),
    ]
    config = ConceptConfig(glossary_paths=(str(user),))
    concepts = by_name(extract_concepts(nodes, encoder=hashing_encoder, config=config))
    assert "ridge" not in concepts["l2 regularization"].aliases
    assert concepts["ridge regression"].aliases == ("ridge",)
