"""`qagraph contradictions`: list where the sources contradict one another, with evidence."""

from __future__ import annotations

import argparse

from qagraph.cli.common import add_options, prepared_store, print_json, print_result
from qagraph.kb import KnowledgeBase, QANode, Store
from qagraph.kb.contradictions import contradictions
from qagraph.kb.records import Contradiction


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "contradictions",
        help="list the answers that contradict one another",
        description="List the pairs of answers the ingest flagged as contradicting one "
        "another: both sources with their citations, the kind of disagreement (negation, "
        "antonym, number, quantifier, divergent) and the sentence of each that shows it, "
        "strongest first. The store is built from the bundled corpus when missing.",
    )
    add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with Store(prepared_store(args)).open() as kb:
        found = contradictions(kb)
        if args.json:
            print_json({"contradictions": [c.to_json() for c in found]})
            return 0
        for i, item in enumerate(found):
            if i:
                print()
            print(format_contradiction(item, kb))
        print(f"{len(found)} contradiction{'s' if len(found) != 1 else ''}")
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
    """Precision and recall of the store's contradiction flags on the labelled pairs."""
    from qagraph.eval.contradictions import evaluate_contradictions, format_eval, load_labelled

    labelled = load_labelled(args.contradictions or None)
    with Store(prepared_store(args)).open() as kb:
        result = evaluate_contradictions(kb, labelled)
    print_result(args, result, format_eval)
    return 0
