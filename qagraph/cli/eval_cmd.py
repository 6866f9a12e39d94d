"""`qagraph eval`: score retrieval variants side by side on the graded evaluation set."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from qagraph.cli import contradictions_cmd
from qagraph.cli.common import (
    add_options,
    encoder_config,
    open_retriever,
    positive_int,
    print_json,
    print_result,
)
from qagraph.errors import QagraphError
from qagraph.eval.runner import SPLIT_CHOICES, VARIANTS, EvalConfig

logger = logging.getLogger(__name__)


def _variants(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown variant {', '.join(unknown) or text!r}; choose from {', '.join(VARIANTS)}"
        )
    return names


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "eval",
        help="evaluate retrieval on the graded query set",
        description="Run the graded evaluation set through the retrieval variants and print "
        "Hit@1, MRR@10, nDCG@10, Recall@5, out-of-scope accuracy and false-abstain rate, "
        "overall and per query kind, with bootstrap confidence intervals, then the failing "
        "queries. The store is built from the bundled corpus when missing.",
    )
    parser.add_argument(
        "--set",
        type=Path,
        default=None,
        metavar="FILE",
        help="evaluation set (JSONL; default: the set shipped with qagraph)",
    )
    parser.add_argument(
        "--corpus",
        default=None,
        metavar="NAME|DIR",
        help="evaluate on another corpus: a packaged one (see --list-corpora) or a folder "
        "holding documents and a queries.jsonl; its store is built in a cache on first use",
    )
    parser.add_argument(
        "--cross",
        action="store_true",
        help="leave one corpus out: fit abstention on the other corpora, report on each "
        "held-out one beside the plain dense baseline",
    )
    parser.add_argument(
        "--list-corpora", action="store_true", help="list the packaged corpora and exit"
    )
    parser.add_argument(
        "--split",
        choices=SPLIT_CHOICES,
        default="test",
        help="which queries to run (default: test)",
    )
    parser.add_argument(
        "--variants",
        type=_variants,
        default=list(VARIANTS),
        metavar="V[,V...]",
        help=f"comma-separated variants (default: {','.join(VARIANTS)})",
    )
    parser.add_argument(
        "-k", type=positive_int, default=10, metavar="K", help="hits per query (default 10)"
    )
    parser.add_argument(
        "--samples",
        type=positive_int,
        default=1000,
        metavar="N",
        help="bootstrap resamples (default 1000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument(
        "--failures",
        default=None,
        metavar="V|all|none",
        help="variant whose failing queries are listed (default: hybrid, "
        "else the last variant run)",
    )
    contradictions_cmd.add_eval_option(parser)
    add_options(parser)
    parser.set_defaults(run=run)


def _failures_of(choice: str | None, variants: tuple[str, ...]) -> tuple[str, ...]:
    if choice is None:
        return ("hybrid",) if "hybrid" in variants else variants[-1:]
    if choice == "none":
        return ()
    if choice == "all":
        return variants
    if choice not in variants:
        raise QagraphError(
            f"--failures {choice!r} is not one of the variants run: "
            f"{', '.join(variants)}, all, none"
        )
    return (choice,)


def run(args: argparse.Namespace) -> int:
    if getattr(args, "contradictions", None) is not None:
        return contradictions_cmd.run_eval(args)
    from qagraph.eval import corpora

    if args.list_corpora:
        print("\n".join(corpora.available()))
        return 0
    if args.cross:
        return _run_cross(args)
    from qagraph.eval.baseline import WithBaseline
    from qagraph.eval.dataset import load_eval_set, resolve
    from qagraph.eval.report import format_text
    from qagraph.eval.runner import run_eval

    config = EvalConfig(
        set_path=args.set,
        split=args.split,
        variants=tuple(args.variants),
        k=args.k,
        bootstrap_samples=args.samples,
        seed=args.seed,
    )
    failures_of = _failures_of(args.failures, config.variants)
    if args.corpus is not None:
        from qagraph.encoders import load_encoder
        from qagraph.retrieval import Retriever

        corpus = corpora.find_corpus(args.corpus)
        encoder = encoder_config(args)
        store = corpora.corpus_store(corpus, encoder)
        retriever = Retriever.open(store, encoder=load_encoder(encoder))
        eval_set = load_eval_set(args.set or corpus.queries)
    else:
        eval_set = load_eval_set(config.set_path)
        retriever = open_retriever(args)
    dataset = resolve(eval_set.select(config.split), retriever.kb)
    report = run_eval(WithBaseline(retriever), dataset, config, progress=_progress_bar())
    print_result(args, report, lambda r: format_text(r, failures_of=failures_of))
    return 0


def _run_cross(args: argparse.Namespace) -> int:
    from qagraph.eval import corpora
    from qagraph.eval.cross import cross_json, format_cross, run_cross

    if args.corpus is not None:
        raise QagraphError("--cross runs every packaged corpus; leave out --corpus")
    chosen = [corpora.find_corpus(n) for n in corpora.available()]
    if len(chosen) < 2:
        raise QagraphError("--cross needs at least two corpora (see --list-corpora)")
    rows = run_cross(
        chosen,
        encoder=encoder_config(args),
        bootstrap_samples=args.samples,
        progress=lambda name: print(f"qagraph: evaluated {name}", file=sys.stderr),
    )
    if args.json:
        print_json(cross_json(rows))
    else:
        print(format_cross(rows))
    return 0


def _progress_bar():
    """A tqdm bar on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        return None
    from tqdm.auto import tqdm

    bar = None

    def update(done: int, total: int, message: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc="eval", unit="search", leave=False, file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


__all__ = ["add_parser", "run"]
