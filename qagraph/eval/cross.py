"""Leave one corpus out: fit on the other corpora, report on the one left out.

What retrieval learns from labelled queries, the fusion weights and the abstention model,
is fitted on every query of the other corpora and applied, unchanged, to the held-out
corpus, whose queries are all scored. Each corpus weighs the same in both fits, whatever
its number of queries. The plain dense baseline runs in the same table, so a default that
only holds on the corpus it was tuned on shows at once.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qagraph.encoders import EncoderConfig, load_encoder
from qagraph.eval.baseline import BASELINE, WithBaseline
from qagraph.eval.corpora import Corpus, corpus_store
from qagraph.eval.dataset import ANSWER_GRADE, ResolvedQuery, load_eval_set, resolve
from qagraph.eval.metrics import MetricValue
from qagraph.eval.results import EvalConfig, EvalReport
from qagraph.eval.runner import run_eval
from qagraph.eval.tune import CROSS_THRESHOLD
from qagraph.retrieval.abstain import FEATURES, Abstainer, LogisticModel, fit_logistic
from qagraph.retrieval.fusion import FusionWeights, RetrievalConfig
from qagraph.retrieval.results import QuerySignals
from qagraph.retrieval.searcher import Retriever

logger = logging.getLogger(__name__)

CROSS_VARIANTS = ("hybrid", BASELINE)
COLUMNS = ("hit@1", "mrr@10", "recall@5", "oos_accuracy", "false_abstain")
# Relative weights tried for the dense and lexical signals (concept stays at 0, as shipped):
# coarse, because every corpus of the fit re-ranks its queries for each of them.
WEIGHT_GRID = (0.0, 0.2, 0.5)


@dataclass(frozen=True, slots=True)
class CrossRow:
    """One held-out corpus: its report and what the abstention model was fitted on."""

    corpus: str
    fitted_on: tuple[str, ...]
    n_queries: int
    report: EvalReport
    weights: FusionWeights | None = None


def _open(corpus: Corpus, encoder: EncoderConfig) -> tuple[Retriever, tuple[ResolvedQuery, ...]]:
    store = corpus_store(corpus, encoder)
    retriever = Retriever.open(store, encoder=load_encoder(encoder))
    queries = resolve(load_eval_set(corpus.queries).queries, retriever.kb)
    return retriever, queries


def run_cross(
    corpora: Sequence[Corpus],
    *,
    encoder: EncoderConfig | None = None,
    bootstrap_samples: int = 1000,
    features: Sequence[str] = FEATURES,
    progress: Callable[[str], None] | None = None,
) -> list[CrossRow]:
    """Leave-one-corpus-out evaluation over `corpora` (at least two).

    Raises:
        ValueError: Fewer than two corpora.
    """
    if len(corpora) < 2:
        raise ValueError("leave-one-corpus-out needs at least two corpora")
    encoder = encoder or EncoderConfig()
    opened = {c.name: _open(c, encoder) for c in corpora}
    measured = {
        name: [retriever.signals(q.query.query) for q in queries]
        for name, (retriever, queries) in opened.items()
    }
    out: list[CrossRow] = []
    for corpus in corpora:
        others = [c.name for c in corpora if c.name != corpus.name]
        weights = fit_weights({o: (opened[o][0], opened[o][1], measured[o]) for o in others})
        retriever, queries = opened[corpus.name]
        # This retriever serves this evaluation only: its weights and abstainer are set here.
        retriever.config = RetrievalConfig(weights=weights)
        rows, labels, groups = [], [], []
        for o in others:
            other, other_queries = opened[o]
            other.config = RetrievalConfig(weights=weights)
            rows += [other.features(m) for m in measured[o]]
            labels += [q.query.in_scope for q in other_queries]
            groups += [o] * len(other_queries)
        model = fit_logistic(
            rows,
            labels,
            features=features,
            l2=1.0,
            balanced=True,
            groups=groups,
            note=f"fit on {others}",
        )
        # The same threshold as the shipped model's, so the table predicts what users get.
        model = LogisticModel(**{**model.to_json(), "threshold": CROSS_THRESHOLD})
        retriever.abstainer = Abstainer(model)
        config = EvalConfig(
            split="all", variants=CROSS_VARIANTS, bootstrap_samples=bootstrap_samples
        )
        report = run_eval(WithBaseline(retriever), queries, config)
        out.append(CrossRow(corpus.name, tuple(others), len(queries), report, weights))
        if progress is not None:
            progress(corpus.name)
    return out


def fit_weights(
    data: dict[str, tuple[Retriever, Sequence[ResolvedQuery], Sequence[QuerySignals]]],
) -> FusionWeights:
    """Hybrid weights with the best mean Hit@1 over the corpora, each corpus counted once.

    Ties go to the earliest weights in the grid; abstention plays no part (it is fitted
    after, on the ranking these weights give).
    """
    best: tuple[float, FusionWeights] | None = None
    for dq, da, df, bm in itertools.product(WEIGHT_GRID, repeat=4):
        if dq + da + df + bm == 0:
            continue
        weights = FusionWeights(dense_q=dq, dense_a=da, dense_field=df, bm25=bm, concept=0.0)
        score = 0.0
        for retriever, queries, measured in data.values():
            hits = [
                _top_is_answer(retriever.rank_signals(m, "hybrid", weights=weights), q)
                for q, m in zip(queries, measured, strict=True)
                if q.query.in_scope
            ]
            score += sum(hits) / max(1, len(hits))
        if best is None or score > best[0] + 1e-12:
            best = (score, weights)
    assert best is not None
    return best[1]


def _top_is_answer(ranked: Sequence[tuple[str, float]], query: ResolvedQuery) -> bool:
    return bool(ranked) and query.qrels.get(ranked[0][0], 0) >= ANSWER_GRADE


def _cell(value: MetricValue | None) -> str:
    return "-" if value is None else f"{value.value:.3f}"


def ranked_hit_at_1(report: EvalReport, variant: str) -> float:
    """Hit@1 of the ranking alone, abstentions ignored: how the ranking compares with the
    baseline, which never abstains, apart from what abstention costs."""
    inside = [q for q in report.queries if q.query.in_scope]
    hits = report.variants[variant].hits
    found = [
        bool(hits[q.query.id]) and q.qrels.get(hits[q.query.id][0].id, 0) >= ANSWER_GRADE
        for q in inside
    ]
    return sum(found) / max(1, len(found))


def format_cross(rows: Sequence[CrossRow]) -> str:
    """The leave-one-corpus-out table, one line per corpus and variant."""
    header = ["corpus", "queries", "variant", *COLUMNS, "ranked hit@1"]
    lines = [header]
    for row in rows:
        for variant, report in row.report.variants.items():
            cells = [_cell(report.metrics.get(name)) for name in COLUMNS]
            ranked = f"{ranked_hit_at_1(row.report, variant):.3f}"
            lines.append([row.corpus, str(row.n_queries), variant, *cells, ranked])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    text.append("")
    for row in rows:
        if row.weights is not None:
            w = row.weights
            text.append(
                f"{row.corpus}: weights fitted on the others: dense_q {w.dense_q}, dense_a "
                f"{w.dense_a}, dense_field {w.dense_field}, bm25 {w.bm25}"
            )
    text.append(
        "Fusion weights and abstention fitted on the other corpora' queries; every query "
        "of the held-out corpus scored. baseline: one MiniLM vector of question + answer "
        "start per node. ranked hit@1: the ranking alone, abstentions not counted."
    )
    return "\n".join(text)


def cross_json(rows: Sequence[CrossRow]) -> dict[str, object]:
    """The `qagraph eval --cross --json` document."""
    return {
        "corpora": [
            {
                "corpus": row.corpus,
                "fitted_on": list(row.fitted_on),
                "queries": row.n_queries,
                "variants": {
                    v: {
                        name: (m.value if (m := r.metrics.get(name)) is not None else None)
                        for name in COLUMNS
                    }
                    | {"ranked_hit@1": round(ranked_hit_at_1(row.report, v), 4)}
                    for v, r in row.report.variants.items()
                },
            }
            for row in rows
        ]
    }
