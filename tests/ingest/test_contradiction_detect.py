"""Contradiction detection end to end with the hashing encoder: candidates, divergence,
the ingest step, the `contradictions` command, the labelled-set evaluation and the
optional NLI confirmation (with a tiny randomly initialised model built here).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest.contradictions import ContradictionConfig, detect_contradictions
from qagraph.ingest.contradictions.candidates import find_candidates
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.kb import Edge, KnowledgeBase, QANode, Store
from qagraph.kb.contradictions import contradiction_from_edge, contradictions
from qagraph.kb.records import Contradiction

DOC_A = """\
Q: How does batch normalization work?
Batch normalization computes the mean and variance of each mini-batch and normalizes the \
activations of the layer.

Q: What is the difference between L1 and L2 regularization?
L2 regularization is less robust to outliers than L1 regularization.

Q: Compare bagging and boosting.
Bagging trains independent estimators on bootstrap samples and averages their votes, while \
boosting trains dependent estimators in sequence, each one correcting the errors of the \
previous ones, so bagging and boosting trade variance against bias.

Q: Compare bagging and boosting.
Recall is the proportion of actual positives that were identified correctly, and precision \
is the proportion of positive identifications that were actually correct.

Q: Which layers does a CNN have?
Convolutional layers extract features, pooling layers shrink the feature maps and fully \
connected layers classify.
"""

DOC_B = """\
Q: How does batch normalization work?
Batch normalization does not compute the mean and variance of each mini-batch.

Q: What is the difference between L1 and L2 regularization?
L2 regularization is more robust to outliers than L1 regularization.

Q: How would you handle an imbalanced dataset?
I wrote an article about this, check it out on my blog for all the details.

Q: Which layers does a CNN have?
A CNN stacks convolution layers that detect features, pooling that reduces the size of the \
maps, and dense layers at the end that output the class.
"""

DOC_C = """\
Q: How would you handle an imbalanced dataset?
Oversample the minority class with SMOTE, undersample the majority class, or move the \
decision threshold, and judge the model by F1 rather than accuracy.
"""

HASHING = EncoderConfig(model="hashing")
QUIET = IngestConfig(progress=False, encoder=HASHING)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    (folder / "c.txt").write_text(DOC_C, encoding="utf-8")
    return folder


@pytest.fixture
def store(docs: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    assert ingest([docs], store=path, config=QUIET).ok
    return path


def _by_question(kb: KnowledgeBase) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for node in kb.nodes():
        out.setdefault((node.source, node.question), []).append(node.id)
    return out


def test_ingest_stores_one_flag_per_contradicting_pair(store: Path) -> None:
    with Store(store).open() as kb:
        ids = _by_question(kb)
        found = {(c.kind, frozenset((c.a, c.b))): c for c in contradictions(kb)}
    bn = frozenset(ids["a.txt", "How does batch normalization work?"])
    bn |= frozenset(ids["b.txt", "How does batch normalization work?"])
    l1 = frozenset(ids["a.txt", "What is the difference between L1 and L2 regularization?"])
    l1 |= frozenset(ids["b.txt", "What is the difference between L1 and L2 regularization?"])
    twice = frozenset(ids["a.txt", "Compare bagging and boosting."])
    assert set(found) == {("negation", bn), ("antonym", l1), ("divergent", twice)}
    negation = found["negation", bn]
    assert negation.evidence_a.startswith("Batch normalization computes the mean")
    assert negation.evidence_b.startswith("Batch normalization does not compute")
    divergent = found["divergent", twice]
    assert "Recall is the proportion" in divergent.evidence_b
    for c in found.values():
        assert 0.5 <= c.score <= 1.0


def test_edges_carry_the_contradiction_json(store: Path) -> None:
    with Store(store).open() as kb:
        edges = kb.edges("contradicts")
        assert edges
        for edge in edges:
            data = json.loads(edge.data)
            assert set(data) == {"a", "b", "kind", "evidence_a", "evidence_b", "score"}
            assert (data["a"], data["b"]) == (edge.src, edge.dst)
            assert edge.weight == pytest.approx(data["score"])
            assert contradiction_from_edge(edge).to_json() == data
            assert kb.node(edge.src).source <= kb.node(edge.dst).source


def test_detection_can_be_switched_off(docs: Path, tmp_path: Path) -> None:
    config = IngestConfig(
        progress=False, encoder=HASHING, contradictions=ContradictionConfig(enabled=False)
    )
    ingest([docs], store=tmp_path / "off", config=config)
    with Store(tmp_path / "off").open() as kb:
        assert kb.edges("contradicts") == []


def _node(source: str, question: str, answer: str, line: int = 1, number: str | None = None):
    node_id = f"qa_{source}_{line}"
    return QANode(node_id, source, number, None, question, answer, line, line + 1, True)


def test_candidates_compare_a_source_with_itself_only_for_the_same_question(
    hashing_encoder,
) -> None:
    nodes = [
        _node("a", "What is bias?", "Error from assumptions.", 1),
        _node("a", "What is variance?", "Sensitivity to the data.", 5),
        _node("a", "What is bias?", "Error from wrong assumptions.", 9),
        _node("b", "What is bias in a model?", "Systematic error.", 1),
    ]
    vectors = hashing_encoder.encode([n.question for n in nodes])
    linked = [Edge(nodes[0].id, nodes[1].id, "same_question")]
    found = find_candidates(
        nodes,
        vectors,
        linked,
        question_sim=0.7,
        related_sim=0.5,
        same_question_sim=0.99,
        answer_sim=0.9,
        related_answer_sim=0.9,
        answer_question_sim=0.9,
        max_per_node=8,
    )
    pairs = {(c.a, c.b): c for c in found}
    assert (nodes[0].id, nodes[2].id) in pairs and pairs[nodes[0].id, nodes[2].id].same_question
    # A link between two different questions of one source is not "the same question".
    assert (nodes[0].id, nodes[1].id) not in pairs
    assert all(nodes[1].id not in key for key in pairs)


def test_pointer_answers_and_unanswered_nodes_are_never_flagged(hashing_encoder) -> None:
    nodes = [
        _node("a", "How would you handle an imbalanced dataset?", "I have an article about this!"),
        _node("b", "How would you handle an imbalanced dataset?", DOC_C.split("\n", 1)[1]),
        QANode(
            "qa_x", "c", None, None, "How would you handle an imbalanced dataset?", "", 1, 1, False
        ),
    ]
    assert detect_contradictions(nodes, [], hashing_encoder) == []


def test_results_are_deterministic_and_sorted(hashing_encoder, store: Path) -> None:
    with Store(store).open() as kb:
        nodes = kb.nodes()
    first = detect_contradictions(nodes, [], hashing_encoder)
    second = detect_contradictions(list(reversed(nodes)), [], hashing_encoder)
    assert first == second
    assert [c.score for c in first] == sorted((c.score for c in first), reverse=True)


def test_cli_lists_contradictions_as_json_and_text(store: Path, capsys) -> None:
    assert main(["contradictions", "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"contradictions"}
    assert {c["kind"] for c in data["contradictions"]} == {"negation", "antonym", "divergent"}
    for item in data["contradictions"]:
        assert set(item) == {"a", "b", "kind", "evidence_a", "evidence_b", "score"}
    assert main(["contradictions", "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert "[negation, score" in text and "a.txt, lines" in text and "b.txt, lines" in text
    assert "\u201cBatch normalization does not compute" in text
    assert text.rstrip().endswith("3 contradictions")


def _labelled(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_reports_precision_recall_and_each_pair(store: Path, tmp_path: Path, capsys) -> None:
    def ref(source: str, question: str, number: str | None = None) -> dict:
        return {"source": source, "question": question, **({"number": number} if number else {})}

    bn, l1 = (
        "How does batch normalization work?",
        "What is the difference between L1 and L2 regularization?",
    )
    cnn = "Which layers does a CNN have?"
    rows = [
        {
            "a": ref("a.txt", bn),
            "b": ref("b.txt", bn),
            "label": True,
            "kind": "negation",
            "reason": "r",
        },
        {
            "a": ref("a.txt", l1),
            "b": ref("b.txt", l1),
            "label": False,
            "reason": "judged compatible",
        },
        {
            "a": ref("a.txt", cnn),
            "b": ref("b.txt", cnn),
            "label": True,
            "kind": "divergent",
            "reason": "r",
        },
        {
            "a": ref("b.txt", cnn),
            "b": ref("a.txt", cnn),
            "label": False,
            "reason": "same pair, reversed",
        },
    ]
    path = _labelled(tmp_path, rows)
    assert main(["eval", "--contradictions", str(path), "--store", str(store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"] == {
        "precision": 0.5,
        "recall": 0.5,
        "tp": 1,
        "fp": 1,
        "fn": 1,
        "tn": 1,
    }
    assert [p["outcome"] for p in data["per_pair"]] == ["tp", "fp", "fn", "tn"]
    assert [c["kind"] for c in data["unlabelled_flags"]] == ["divergent"]
    assert main(["eval", "--contradictions", str(path), "--store", str(store)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("contradictions: precision 0.50, recall 0.50")
    assert "false flag" in text and "missed divergent" in text


def test_eval_rejects_unknown_questions(store: Path, tmp_path: Path, capsys) -> None:
    bad = {
        "a": {"source": "a.txt", "question": "Nope?"},
        "b": {"source": "b.txt", "question": "No?"},
    }
    path = _labelled(tmp_path, [{**bad, "label": False, "reason": "r"}])
    assert main(["eval", "--contradictions", str(path), "--store", str(store)]) == 2
    assert "no node for a.txt: 'Nope?'" in capsys.readouterr().err
    path = _labelled(tmp_path, [{**bad, "label": True, "reason": "no kind"}])
    assert main(["eval", "--contradictions", str(path), "--store", str(store)]) == 2


def test_shipped_labelled_set_is_valid() -> None:
    from qagraph.eval.contradiction_labels import load_labelled

    pairs = load_labelled()
    assert len(pairs) >= 25
    assert any(p.label for p in pairs) and sum(not p.label for p in pairs) >= 20
    assert all(p.reason for p in pairs)


def test_contradictions_touching_nodes() -> None:
    items = [
        Contradiction("x", "y", "negation", "a", "b", 0.6),
        Contradiction("y", "z", "number", "c", "d", 0.9),
    ]
    edges = [Edge(c.a, c.b, "contradicts", c.score, json.dumps(c.to_json())) for c in items]
    kb = KnowledgeBase(path=Path("."), manifest={}, sources=[], nodes=[], edges=edges)
    assert [c.kind for c in contradictions(kb)] == ["number", "negation"]
    assert [c.kind for c in contradictions(kb, touching=["x"])] == ["negation"]
    bare = contradiction_from_edge(Edge("p", "q", "contradicts", 0.7))
    assert (bare.a, bare.b, bare.score) == ("p", "q", 0.7)


# --- the optional NLI confirmation, with a tiny random model ---------------------------------


def _tiny_nli(path: Path, labels: dict[int, str]) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    path.mkdir()
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words += "batch normalization does not compute the mean l2 is more less robust".split()
    (path / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    BertForSequenceClassification(config).save_pretrained(path)
    BertTokenizer(str(path / "vocab.txt")).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_nli(tmp_path_factory) -> Path:
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    return _tiny_nli(tmp_path_factory.mktemp("nli") / "model", labels)


def test_nli_checker_scores_pairs_in_both_orders(tiny_nli: Path) -> None:
    from qagraph.ingest.contradictions.nli import load_nli

    checker = load_nli(str(tiny_nli))
    assert checker.label == 2
    pairs = [("l2 is more robust", "l2 is less robust"), ("the mean", "batch normalization")]
    probs = checker.contradiction(pairs)
    assert probs.shape == (2,) and np.all((probs >= 0) & (probs <= 1))
    swapped = checker.contradiction([(b, a) for a, b in pairs])
    assert np.allclose(probs, swapped)
    assert checker.contradiction([]).shape == (0,)
    assert load_nli(str(tiny_nli)) is checker


def test_nli_threshold_confirms_or_rejects_rule_flags(tiny_nli: Path, store: Path) -> None:
    from qagraph.encoders import load_encoder

    with Store(store).open() as kb:
        nodes = kb.nodes()
    encoder = load_encoder(HASHING)
    rules_only = detect_contradictions(nodes, [], encoder)
    keep_all = ContradictionConfig(nli_model=str(tiny_nli), nli_threshold=0.0)
    confirmed = detect_contradictions(nodes, [], encoder, keep_all)
    assert {(c.a, c.b, c.kind) for c in confirmed} == {(c.a, c.b, c.kind) for c in rules_only}
    changed = {c.kind: c.score for c in confirmed}
    assert changed["divergent"] == next(c.score for c in rules_only if c.kind == "divergent")
    assert changed["negation"] != next(c.score for c in rules_only if c.kind == "negation")
    reject_all = ContradictionConfig(nli_model=str(tiny_nli), nli_threshold=1.01)
    left = detect_contradictions(nodes, [], encoder, reject_all)
    assert [c.kind for c in left] == ["divergent"]


def test_nli_model_without_contradiction_label_is_refused(tmp_path: Path) -> None:
    from qagraph.ingest.contradictions.nli import NliChecker, NliError, contradiction_label

    assert contradiction_label({"0": "CONTRADICTION", "1": "ENTAILMENT"}) == 0
    path = _tiny_nli(tmp_path / "sentiment", {0: "negative", 1: "positive"})
    with pytest.raises(NliError, match="no contradiction label"):
        NliChecker(str(path))
    with pytest.raises(NliError, match="cannot load"):
        NliChecker(str(tmp_path / "missing"))


def test_config_rejects_impossible_settings() -> None:
    with pytest.raises(ValueError, match="max_per_node"):
        ContradictionConfig(max_per_node=0)
    with pytest.raises(ValueError, match="min_score"):
        ContradictionConfig(min_score=1.5)
    with pytest.raises(ValueError, match="nli_model"):
        ContradictionConfig(nli_model=" ")
