"""Leave one corpus out: fit on the other corpora, report on the one left out.

What retrieval learns from labelled queries (today: the abstention model) is fitted on
every query of the other corpora and applied, unchanged, to the held-out corpus, whose
queries are all scored. The plain dense baseline runs in the same table, so a default that
only holds on the corpus it was tuned on shows at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qagraph.encoders import EncoderConfig, load_encoder
from qagraph.eval.baseline import BASELINE, WithBaseline
from qagraph.eval.corpora import Corpus, corpus_store
from qagraph.eval.dataset import ResolvedQuery, load_eval_set, resolve
from qagraph.eval.metrics import MetricValue
from qagraph.eval.results import EvalConfig, EvalReport
from qagraph.eval.runner import run_eval
from qagraph.eval.tune import CROSS_THRESHOLD
from qagraph.retrieval.abstain import FEATURES, Abstainer, LogisticModel, fit_logistic
from qagraph.retrieval.searcher import Retriever

logger = logging.getLogger(__name__)

CROSS_VARIANTS = ("hybrid", BASELINE)
COLUMNS = ("hit@1", "mrr@10", "recall@5", "oos_accuracy", "false_abstain")


@dataclass(frozen=True, slots=True)
class CrossRow:
    """One held-out corpus: its report and what the abstention model was fitted on."""

    corpus: str
    fitted_on: tuple[str, ...]
    n_queries: int
    report: EvalReport


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
    rows_of: dict[str, tuple[list[dict[str, float]], list[bool]]] = {}
    for name, (retriever, queries) in opened.items():
        feats = [retriever.features(retriever.signals(q.query.query)) for q in queries]
        rows_of[name] = (feats, [q.query.in_scope for q in queries])
    out: list[CrossRow] = []
    for corpus in corpora:
        others = [c.name for c in corpora if c.name != corpus.name]
        rows = [r for o in others for r in rows_of[o][0]]
        labels = [y for o in others for y in rows_of[o][1]]
        model = fit_logistic(
            rows, labels, features=features, l2=1.0, balanced=True, note=f"fit on {others}"
        )
        # The same threshold as the shipped model's, so the table predicts what users get.
        model = LogisticModel(**{**model.to_json(), "threshold": CROSS_THRESHOLD})
        retriever, queries = opened[corpus.name]
        retriever.abstainer = Abstainer(model)  # this retriever serves this evaluation only
        config = EvalConfig(
            split="all", variants=CROSS_VARIANTS, bootstrap_samples=bootstrap_samples
        )
        report = run_eval(WithBaseline(retriever), queries, config)
        out.append(CrossRow(corpus.name, tuple(others), len(queries), report))
        if progress is not None:
            progress(corpus.name)
    return out


def _cell(value: MetricValue | None) -> str:
    return "-" if value is None else f"{value.value:.3f}"


def format_cross(rows: Sequence[CrossRow]) -> str:
    """The leave-one-corpus-out table, one line per corpus and variant."""
    header = ["corpus", "queries", "variant", *COLUMNS]
    lines = [header]
    for row in rows:
        for variant, report in row.report.variants.items():
            cells = [_cell(report.metrics.get(name)) for name in COLUMNS]
            lines.append([row.corpus, str(row.n_queries), variant, *cells])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    text.append("")
    text.append(
        "Abstention fitted on the other corpora' queries; every query of the held-out "
        "corpus scored. baseline: one MiniLM vector of question + answer start per node."
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
                    for v, r in row.report.variants.items()
                },
            }
            for row in rows
        ]
    }
