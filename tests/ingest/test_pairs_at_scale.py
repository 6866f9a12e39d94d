"""The near-linear pair searches give exactly the edges and candidates of trying every pair.

`same_question_edges` tries only the pairs a rule can link (FAISS neighbours, same core or
specific concepts); `find_candidates` tries only each node's nearest questions and
answers. Both are checked here against trying every pair, on the bundled corpus and on a
synthetic corpus with many repeated questions: with the exact (flat) search the results
are the same; with the approximate one (HNSW, answer projection), forced on these small
corpora, nearly all of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qagraph.encoders import EncoderConfig, load_encoder
from qagraph.eval.scale_corpus import make_corpus
from qagraph.ingest import links, neighbours
from qagraph.ingest.contradictions import answer_pairs, candidates, detect
from qagraph.ingest.graph import build_graph
from qagraph.ingest.pipeline import bundled_corpus
from qagraph.ingest.readers import iter_input_files, read_document
from qagraph.ingest.split import SplitterConfig, split_document
from qagraph.kb.records import Edge


def every_pair(nodes, vectors, topics, config=None) -> list[Edge]:
    """`same_question_edges` as it was: every pair against the full similarity matrix."""
    config = config or links.LinkConfig()
    sims = vectors @ vectors.T if len(nodes) else np.zeros((0, 0))
    edges = []
    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            rule = links._rule(float(sims[i, j]), topics[i], topics[j], config)
            if rule is None:
                continue
            shared = sorted(topics[i].concepts & topics[j].concepts)
            data = {"rule": rule, "similarity": round(float(sims[i, j]), 4), "concepts": shared}
            edges.append(
                Edge(
                    nodes[i].id,
                    nodes[j].id,
                    "same_question",
                    round(float(sims[i, j]), 4),
                    json.dumps(data, ensure_ascii=False),
                )
            )
    return edges


def read_nodes(folder: Path):
    files, _ = iter_input_files([folder])
    return [
        n
        for path, name in files
        for n in split_document(read_document(path, name=name), SplitterConfig())
    ]


def captured_inputs(nodes, encoder, monkeypatch):
    """The arguments build_graph and detect_contradictions hand the two pair searches."""
    seen: dict[str, tuple] = {}

    def grab(name, fn):
        def wrapper(*args, **kwargs):
            seen[name] = (args, kwargs)
            return fn(*args, **kwargs)

        return wrapper

    with monkeypatch.context() as m:
        m.setattr(
            "qagraph.ingest.graph.same_question_edges",
            grab("links", links.same_question_edges),
        )
        m.setattr(detect, "find_candidates", grab("candidates", candidates.find_candidates))
        graph = build_graph(nodes, encoder=encoder)
        detect.detect_contradictions(graph.nodes, graph.edges, encoder)
    return seen


def comparable(edges: list[Edge]) -> list[tuple]:
    """Edges with their similarity to three decimals: a block of rows multiplied apart
    may differ from the whole matrix in the last bits, which rounding to four decimals
    can show (0.3649 against 0.365); which pairs link, and why, must not differ."""
    out = []
    for e in edges:
        data = json.loads(e.data)
        out.append((e.src, e.dst, e.kind, round(e.weight, 3), data["rule"], data["concepts"]))
    return out


def all_pairs(questions, answers, **_) -> np.ndarray:
    """Every pair (i < j): what `find_candidates` tried before it searched neighbours."""
    i, j = np.triu_indices(questions.shape[0], 1)
    return np.stack([i, j], axis=1).astype(np.int64)


def check_same_results(nodes, encoder, monkeypatch) -> tuple[int, int]:
    seen = captured_inputs(nodes, encoder, monkeypatch)
    args, kwargs = seen["links"]
    expected = comparable(every_pair(*args, **kwargs))
    assert comparable(links.same_question_edges(*args, **kwargs)) == expected

    args, kwargs = seen["candidates"]
    found = candidates.find_candidates(*args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(candidates, "_pairs_to_try", all_pairs)
        assert candidates.find_candidates(*args, **kwargs) == found
    return len(expected), len(found)


def check_approximate(nodes, encoder, monkeypatch, share: float) -> None:
    """The HNSW and projection paths, forced, find at least `share` of the exact results."""
    seen = captured_inputs(nodes, encoder, monkeypatch)
    link_args, link_kwargs = seen["links"]
    cand_args, cand_kwargs = seen["candidates"]
    exact_links = {e[:2] for e in comparable(links.same_question_edges(*link_args, **link_kwargs))}
    exact_cands = set(candidates.find_candidates(*cand_args, **cand_kwargs))
    monkeypatch.setattr(neighbours, "EXACT_LIMIT", 0)
    monkeypatch.setattr(answer_pairs, "EXACT_ANSWERS", 0)
    approx_links = {e[:2] for e in comparable(links.same_question_edges(*link_args, **link_kwargs))}
    approx_cands = set(candidates.find_candidates(*cand_args, **cand_kwargs))
    # Nothing found that trying every pair would not find: the rules decide, not the search.
    assert approx_links <= exact_links
    assert len(approx_links) >= share * len(exact_links)
    # A candidate missed frees a place (max_per_node) for another: compare the pairs.
    pairs = {(c.a, c.b) for c in exact_cands}
    assert len(pairs & {(c.a, c.b) for c in approx_cands}) >= share * len(pairs)


@pytest.fixture(scope="module")
def hashing():
    return load_encoder(EncoderConfig(model="hashing"))


def test_bundled_corpus_pairs_unchanged(hashing, monkeypatch) -> None:
    n_edges, n_candidates = check_same_results(read_nodes(bundled_corpus()), hashing, monkeypatch)
    assert n_edges > 0 and n_candidates > 0


def test_repeated_questions_pairs_unchanged(hashing, monkeypatch, tmp_path) -> None:
    make_corpus(500, tmp_path)
    n_edges, n_candidates = check_same_results(read_nodes(tmp_path), hashing, monkeypatch)
    assert n_edges > 0 and n_candidates > 0


@pytest.mark.parametrize("extra", [0, 2])
def test_other_word_allowances_block_correctly(hashing, monkeypatch, tmp_path, extra) -> None:
    """Blocks keyed by the other words (less one) find what every pair finds, however
    many other words the concepts rule allows."""
    make_corpus(300, tmp_path)
    seen = captured_inputs(read_nodes(tmp_path), hashing, monkeypatch)
    args, _ = seen["links"]
    config = links.LinkConfig(max_extra_words=extra)
    expected = comparable(every_pair(*args[:3], config))
    assert expected
    assert comparable(links.same_question_edges(*args[:3], config)) == expected


def test_approximate_search_finds_nearly_all(hashing, monkeypatch, tmp_path) -> None:
    make_corpus(500, tmp_path)
    check_approximate(read_nodes(tmp_path), hashing, monkeypatch, share=0.95)


@pytest.mark.slow
def test_bundled_corpus_pairs_unchanged_minilm(minilm_encoder, monkeypatch) -> None:
    n_edges, n_candidates = check_same_results(
        read_nodes(bundled_corpus()), minilm_encoder, monkeypatch
    )
    assert n_edges > 0 and n_candidates > 0


def test_misfit_is_the_best_other_question_as_before(hashing) -> None:
    """`Topics.misfit` (nearest questions from FAISS) against a scan of every question."""
    from qagraph.ingest.contradictions.propositions import ConceptNames
    from qagraph.ingest.contradictions.topics import Topics
    from qagraph.kb.records import normalize_question

    nodes = read_nodes(bundled_corpus())
    nodes = nodes + nodes[:5]  # the same questions again: never each other's best fit
    questions = hashing.encode([n.question for n in nodes])
    topics = Topics(nodes, ConceptNames(), {}, frozenset(), questions)
    answers = hashing.encode([n.answer or n.question for n in nodes])
    for node, answer in zip(nodes, answers, strict=True):
        sims = questions @ answer
        row = {n.id: i for i, n in enumerate(nodes)}[node.id]
        own = float(sims[row])
        mine = normalize_question(node.question)
        best = max(
            (
                float(s)
                for n, s in zip(nodes, sims, strict=True)
                if n.id != node.id and normalize_question(n.question) != mine
            ),
            default=own,
        )
        # FAISS finds the best other question; numpy's cosines of a few rows may differ
        # from those of the whole matrix in the last bits.
        assert topics.misfit(node, answer) == pytest.approx(best - own, abs=1e-6)


def repeated_corpus(folder: Path, copies: int) -> list:
    """Three questions, each asked in `copies` files with a slightly different answer."""
    questions = {
        "What is overfitting?": "Overfitting is when a model learns the noise of its data",
        "How does dropout work?": "Dropout zeroes random activations during training",
        "What is the learning rate?": "The learning rate scales each gradient descent step",
    }
    for copy in range(copies):
        body = "".join(
            f"## {q}\n\n{a}, as note {copy} says; see chapter {copy % 7}.\n\n"
            for q, a in questions.items()
        )
        (folder / f"notes{copy:03d}.md").write_text(f"# Interview notes {copy}\n\n{body}")
    return read_nodes(folder)


def test_a_question_repeated_many_times_keeps_its_nearest_links(
    hashing, monkeypatch, tmp_path
) -> None:
    """Past `max_links` partners a node keeps its closest: the links grow with the corpus,
    not with the square of the group, and each group stays one connected group."""
    nodes = repeated_corpus(tmp_path, copies=80)
    seen = captured_inputs(nodes, hashing, monkeypatch)
    args, _ = seen["links"]
    config = links.LinkConfig(max_links=6)
    every = every_pair(*args[:3], config)
    capped = links.same_question_edges(*args[:3], config)
    assert len(every) > 3 * 80 * 79 / 2 * 0.9  # the groups are (nearly) cliques
    assert {(e.src, e.dst) for e in capped} <= {(e.src, e.dst) for e in every}
    assert len(capped) <= len(nodes) * config.max_links
    degree = {}
    for e in capped:
        degree[e.src] = degree.get(e.src, 0) + 1
        degree[e.dst] = degree.get(e.dst, 0) + 1
    assert min(degree.values()) >= config.max_links  # each keeps at least its k nearest
    assert sorted(map(len, links.groups_of(capped))) == sorted(map(len, links.groups_of(every)))

    args, kwargs = seen["candidates"]
    found = candidates.find_candidates(*args, **{**kwargs, "max_same_per_node": 5})
    same = [c for c in found if c.same_question]
    assert same and len(same) <= len(nodes) * 5
    assert (
        sorted(map(len, links.groups_of([Edge(c.a, c.b, "same_question", 1.0) for c in same])))[-1]
        == 80
    )
