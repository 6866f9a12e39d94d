"""`qagraph contradictions`: list where the sources contradict one another, with evidence."""

from __future__ import annotations

import argparse
from pathlib import Path

from qagraph.cli.common import (
    add_options,
    encoder_config,
    positive_int,
    prepared_store,
    print_json,
    print_result,
)
from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase, QANode, Store
from qagraph.kb.contradictions import contradictions
from qagraph.kb.marks import Marks
from qagraph.kb.records import Contradiction


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "contradictions",
        help="list the answers that contradict one another",
        description="List the pairs of answers the ingest flagged as contradicting one "
        "another: both sources with their citations, the kind of disagreement (negation, "
        "antonym, number, quantifier, divergent) and the sentence of each that shows it, "
        "strongest first. Flags marked 'not a conflict' are left out (see --marked). The "
        "store is built from the bundled corpus when missing.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--marked", action="store_true", help="list the flags marked 'not a conflict' instead"
    )
    group.add_argument(
        "--mark",
        type=positive_int,
        metavar="N",
        help="mark flag #N of the list as not a conflict: it is no longer shown, in this "
        "store and after re-ingests",
    )
    group.add_argument(
        "--unmark", type=positive_int, metavar="N", help="remove the mark of flag #N of --marked"
    )
    parser.add_argument("--note", default="", metavar="TEXT", help="why, kept with --mark")
    add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = prepared_store(args)
    with Store(root).open() as kb:
        if args.mark or args.unmark:
            return _set_mark(args, kb, root)
        found = contradictions(kb, marked=args.marked)
        if args.json:
            print_json({"contradictions": [c.to_json() for c in found]})
            return 0
        for i, item in enumerate(found, start=1):
            if i > 1:
                print()
            print(f"#{i} " + format_contradiction(item, kb))
        what = "marked 'not a conflict'" if args.marked else ""
        print(f"{len(found)} contradiction{'s' if len(found) != 1 else ''} {what}".rstrip())
    return 0


def _set_mark(args: argparse.Namespace, kb: KnowledgeBase, root: Path) -> int:
    number = args.mark or args.unmark
    listed = contradictions(kb, marked=bool(args.unmark))
    if number > len(listed):
        which = "marked flags" if args.unmark else "flags"
        raise QagraphError(f"there is no flag #{number}: the store lists {len(listed)} {which}")
    item = listed[number - 1]
    try:
        a, b = kb.node(item.a), kb.node(item.b)
    except KeyError as exc:
        raise QagraphError(f"flag #{number} names a node no longer in the store: {exc}") from None
    marks = Marks(root)
    if args.mark:
        marks.mark(a, b, kind=item.kind, note=args.note)
        message = f"marked flag #{number} ({item.kind}) as not a conflict"
    else:
        marks.unmark(a, b)
        message = f"flag #{number} ({item.kind}) is shown again"
    if args.json:
        print_json({"marked": bool(args.mark), "contradiction": item.to_json()})
    else:
        print(f"{message}: {_cite(a)} / {_cite(b)}")
    return 0


def _cite(node: QANode) -> str:
    """'source #number, section, lines a-b', as `ask` cites (number and section if known)."""
    parts = [f"{node.source} #{node.number}" if node.number else node.source]
    if node.section:
        parts.append(node.section)
    parts.append(node.location or f"lines {node.line_start}-{node.line_end}")
    return ", ".join(parts)


def format_contradiction(item: Contradiction, kb: KnowledgeBase) -> str:
    """Both sides of a contradiction as text: kind and score, then per side the citation,
    the question and the evidence sentence."""
    lines = [f"[{item.kind}, score {item.score:.2f}]"]
    for label, node_id, evidence in (
        ("A", item.a, item.evidence_a),
        ("B", item.b, item.evidence_b),
    ):
        try:
            node = kb.node(node_id)
        except KeyError:
            lines.append(f"  {label}: {node_id} (no longer in the store)")
            continue
        lines.append(f"  {label}: {_cite(node)}: {node.question}")
        lines.append(f"     \u201c{evidence}\u201d")
    return "\n".join(lines)


def add_eval_option(parser: argparse.ArgumentParser) -> None:
    """`--contradictions [FILE]` for `qagraph eval`."""
    parser.add_argument(
        "--contradictions",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="score the contradiction flags on labelled pairs instead of retrieval "
        "(FILE: a labelled set; default: the set shipped with qagraph)",
    )


def run_eval(args: argparse.Namespace) -> int:
    """Precision and recall of the store's contradiction flags on the labelled pairs.

    Without --store, the documents the set names are ingested into an evaluation store
    of their own (cached); with it, that store is scored and the pairs whose sources it
    lacks are skipped.
    """
    from qagraph.eval.contradiction_labels import load_labelled
    from qagraph.eval.contradiction_store import evaluation_store
    from qagraph.eval.contradictions import evaluate_contradictions, format_eval

    labelled = load_labelled(args.contradictions or None)
    if args.store is None:
        path = evaluation_store(labelled, encoder_config(args))
        skip = False
    else:
        path = prepared_store(args)
        skip = True
    with Store(path).open() as kb:
        result = evaluate_contradictions(kb, labelled, skip_missing=skip)
    print_result(args, result, format_eval)
    return 0
