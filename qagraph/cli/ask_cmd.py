"""`qagraph ask QUESTION`: answer a question from the store, quoting and citing a source."""

from __future__ import annotations

import argparse
import sys

from qagraph.cli.common import add_options, open_retriever, positive_int, print_json, print_result
from qagraph.errors import QagraphError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "ask",
        help="answer a question, quoting and citing the source",
        description="Find the stored answer to QUESTION and quote it with its citation, the "
        "other sources answering the same question and related concepts. When the store "
        "does not cover the question, say so instead of quoting an unrelated answer. With "
        "QUESTION '-', read one question per line from stdin and print one JSON document "
        'per line, line N answering line N (an empty line gets {"query", "error"}). The '
        "store is built from the bundled corpus when missing.",
    )
    parser.add_argument("question", metavar="QUESTION", help="the question, or - for stdin")
    parser.add_argument(
        "-k", type=positive_int, default=5, metavar="K", help="number of results (default 5)"
    )
    add_options(parser)
    parser.set_defaults(run=run)


EMPTY = "the question is empty"


def run(args: argparse.Namespace) -> int:
    if args.question != "-" and not args.question.strip():
        raise QagraphError(EMPTY)
    retriever = open_retriever(args)
    if args.question == "-":
        # A batch interface: output line N answers input line N, so a line that cannot be
        # answered (blank, or refused by retrieval) gets an error object, never no line.
        for line in sys.stdin:
            question = line.strip()
            try:
                doc = retriever.ask(question, k=args.k).to_json() if question else None
            except QagraphError as exc:
                doc = {"query": question, "error": str(exc)}
            print_json(doc or {"query": question, "error": EMPTY})
            sys.stdout.flush()
        return 0
    print_result(args, retriever.ask(args.question, k=args.k), format_answer)
    return 0


def format_answer(answer) -> str:
    """The answer as readable text: quotation, citation, other sources, related concepts."""
    from qagraph.retrieval import citation

    if answer.abstained:
        return answer.message
    lines: list[str] = []
    best = answer.best
    lines.append(f"Q: {best.node.question}")
    if answer.text:
        lines += ["", answer.text]
    if answer.message:
        lines += ["", answer.message]
    if answer.also_answered_in:
        lines += ["", "Also answered in:"]
        lines += [f"  - {citation(h.node)}: {h.node.question}" for h in answer.also_answered_in]
    if answer.related_concepts:
        lines += ["", "Related concepts: " + ", ".join(answer.related_concepts)]
    if answer.contradictions:
        lines += ["", "Warning: the sources disagree:"]
        lines += [f"  - {c['evidence_a']!r} vs {c['evidence_b']!r}" for c in answer.contradictions]
    shown = {best.node.id, *(h.node.id for h in answer.also_answered_in)}
    others = [h for h in answer.results if h.node.id not in shown]
    if others:
        lines += ["", "Other results:"]
        lines += [f"  {h.score:.3f}  {citation(h.node)}: {h.node.question}" for h in others]
    return "\n".join(lines)


__all__ = ["add_parser", "format_answer", "run"]
