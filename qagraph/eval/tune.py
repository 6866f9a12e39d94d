"""Tune fusion weights and fit the abstention model on the DEV split of the eval set.

Never on the test split: the numbers reported by `qagraph eval` on test stay honest.

    python -m qagraph.eval.tune [--store DIR] [--write]

measures every dev query once, grid-searches the fusion weights (fusion is cheap once the
signals are measured), fits the logistic abstention model and, with --write, stores it in
`qagraph/data/abstain.json` for the store's encoder. The chosen weights are printed, to be
copied into `FusionWeights` defaults when they beat the current ones.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import math
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import NamedTuple

from qagraph.encoders import EncoderConfig
from qagraph.retrieval.abstain import (
    FEATURES,
    LogisticModel,
    default_params_path,
    fit_logistic,
    save_model,
)
from qagraph.retrieval.fusion import VARIANTS, FusionWeights
from qagraph.retrieval.searcher import QuerySignals, Retriever

logger = logging.getLogger(__name__)

_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)


class DevQuery(NamedTuple):
    """A dev query with its judgements (node id -> grade; empty when out of scope)."""

    text: str
    kind: str
    qrels: dict[str, int]

    @property
    def in_scope(self) -> bool:
        return bool(self.qrels)


def load_dev(retriever: Retriever, split: str = "dev") -> list[DevQuery]:
    """The split's queries resolved against the retriever's knowledge base."""
    from qagraph.eval.dataset import load_eval_set, resolve

    if split == "test":
        raise ValueError("tuning on the test split would make the reported numbers meaningless")
    queries = load_eval_set().select(split)
    resolved = resolve(queries, retriever.kb)
    return [DevQuery(r.query.query, r.query.kind, dict(r.qrels)) for r in resolved]


def metrics(ranked: Sequence[str], qrels: dict[str, int]) -> dict[str, float]:
    """hit@1 and MRR@10 on answering nodes (grade 2), nDCG@10 on grades."""
    first = next((i for i, n in enumerate(ranked[:10]) if qrels.get(n, 0) >= 2), None)
    dcg = sum((2 ** qrels.get(n, 0) - 1) / math.log2(i + 2) for i, n in enumerate(ranked[:10]))
    ideal = sorted(qrels.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal)) or 1.0
    return {
        "hit@1": float(first == 0),
        "mrr@10": 1.0 / (first + 1) if first is not None else 0.0,
        "ndcg@10": dcg / idcg,
    }


def evaluate(
    retriever: Retriever,
    measured: Sequence[QuerySignals],
    queries: Sequence[DevQuery],
    variant: str,
    weights: FusionWeights | None = None,
    penalty: float | None = None,
) -> dict[str, float]:
    """Mean metrics over the in-scope queries for one variant and weighting."""
    totals: dict[str, float] = {}
    n = 0
    for signals, query in zip(measured, queries, strict=True):
        if not query.in_scope:
            continue
        ranked = retriever.rank_signals(
            signals, variant, weights=weights, unanswered_penalty=penalty
        )
        for name, value in metrics([node for node, _ in ranked], query.qrels).items():
            totals[name] = totals.get(name, 0.0) + value
        n += 1
    return {name: round(value / max(n, 1), 4) for name, value in totals.items()}


def grid_search(
    retriever: Retriever, measured: Sequence[QuerySignals], queries: Sequence[DevQuery]
) -> tuple[FusionWeights, dict[str, float]]:
    """Best hybrid weights by MRR@10, then nDCG@10; ties go to the earliest in the grid."""
    best: tuple[tuple[float, float], FusionWeights, dict[str, float]] | None = None
    for dq, da, df, bm, co in itertools.product(_GRID, repeat=5):
        if not math.isclose(dq + da + df + bm + co, 1.0):
            continue
        weights = FusionWeights(dense_q=dq, dense_a=da, dense_field=df, bm25=bm, concept=co)
        result = evaluate(retriever, measured, queries, "hybrid", weights)
        key = (result["mrr@10"], result["ndcg@10"])
        if best is None or key > best[0]:
            best = (key, weights, result)
    assert best is not None
    return best[1], best[2]


def fit_abstention(
    retriever: Retriever, measured: Sequence[QuerySignals], queries: Sequence[DevQuery]
):
    """The logistic abstention model fitted on the queries' features."""
    rows = [retriever.features(m) for m in measured]
    covered = [q.in_scope for q in queries]
    note = f"fitted {date.today().isoformat()} on {len(queries)} dev queries, encoder " + (
        retriever.encoder.fingerprint
    )
    # Balanced classes: a hidden answer and a quoted unrelated one cost alike, and the dev
    # split holds too few out-of-scope queries for its own share to be a trustworthy prior.
    model = fit_logistic(rows, covered, features=FEATURES, l2=1.0, balanced=True, note=note)
    return model, rows


# Probability under which a query is refused, for the model fitted across corpora. Not
# fitted: a cost ratio. A refused answerable question hides the answer, while a wrong
# answer is shown with its citation and the reader can judge it, so a refusal needs odds
# of 7 to 3 against coverage. Hard paraphrases of a corpus the model never saw sit low on
# every similarity scale, and 0.5 refused a fifth of them.
CROSS_THRESHOLD = 0.3


def fit_across_corpora(names: Sequence[str] | None = None, *, threshold: float = CROSS_THRESHOLD):
    """The abstention model fitted on the dev split of every evaluation corpus at once.

    One corpus's scale of similarities does not carry to another, so the model sees them
    all; the test splits stay untouched for `qagraph eval`.

    Returns:
        The model and, per corpus, the number of dev queries it was fitted on.
    """
    from qagraph.encoders import EncoderConfig, load_encoder
    from qagraph.eval import corpora
    from qagraph.eval.dataset import load_eval_set, resolve

    rows: list[dict[str, float]] = []
    covered: list[bool] = []
    groups: list[str] = []
    counts: dict[str, int] = {}
    encoder = EncoderConfig()
    for name in names or corpora.available():
        corpus = corpora.find_corpus(name)
        retriever = Retriever.open(
            corpora.corpus_store(corpus, encoder), encoder=load_encoder(encoder)
        )
        dev = resolve(load_eval_set(corpus.queries).select("dev"), retriever.kb)
        rows += [retriever.features(retriever.signals(q.query.query)) for q in dev]
        covered += [q.query.in_scope for q in dev]
        groups += [name] * len(dev)
        counts[name] = len(dev)
    note = (
        f"fitted {date.today().isoformat()} on the dev splits of {', '.join(counts)} "
        f"({sum(counts.values())} queries), encoder {encoder.model}"
    )
    # Every corpus weighs the same: the bundled set is the largest and its paraphrases the
    # easiest, and alone it would put the boundary where other corpora's answerable
    # questions are refused.
    model = fit_logistic(
        rows, covered, features=FEATURES, l2=1.0, balanced=True, groups=groups, note=note
    )
    return LogisticModel(**{**model.to_json(), "threshold": threshold}), counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qagraph.eval.tune", description=__doc__)
    parser.add_argument("--store", type=Path, default=None, help="store folder")
    parser.add_argument("--write", action="store_true", help="save the abstention model")
    parser.add_argument("--params", type=Path, default=None, help="abstain.json to write")
    parser.add_argument(
        "--corpora",
        action="store_true",
        help="fit the abstention model on the dev splits of every evaluation corpus",
    )
    args = parser.parse_args(argv)
    if args.corpora:
        model, counts = fit_across_corpora()
        print(json.dumps({"dev_queries": counts, "abstention_model": model.to_json()}, indent=2))
        if args.write:
            path = args.params or default_params_path()
            save_model(path, EncoderConfig().model, model)
            print(f"wrote {path}", file=sys.stderr)
        return 0
    from qagraph.ingest.ensure import ensure_store
    from qagraph.kb import default_store_path

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    store = args.store or default_store_path()
    ensure_store(store)
    retriever = Retriever.open(store)
    queries = load_dev(retriever)
    measured = [retriever.signals(q.text) for q in queries]
    report = {variant: evaluate(retriever, measured, queries, variant) for variant in VARIANTS}
    weights, tuned = grid_search(retriever, measured, queries)
    model, rows = fit_abstention(retriever, measured, queries)
    decisions = [model.probability(r) >= model.threshold for r in rows]
    correct = sum(d == q.in_scope for d, q in zip(decisions, queries, strict=True))
    out = {
        "dev_queries": len(queries),
        "current": report,
        "tuned_weights": asdict(weights),
        "tuned_hybrid": tuned,
        "abstention_dev_accuracy": round(correct / len(queries), 4),
        "abstention_model": model.to_json(),
    }
    print(json.dumps(out, indent=2))
    if args.write:
        path = args.params or default_params_path()
        save_model(path, retriever.encoder.name, model)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
