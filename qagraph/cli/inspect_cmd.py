"""`qagraph inspect`: show how documents split, without touching the store.

For one file: every node with its line span and the structure that made it, then the
navigation that was skipped and why. For several files (or a folder): one row per file
with its questions, answered, unanswered and skipped counts. This is how a user sees why a
document split as it did before ingesting it.
"""

from __future__ import annotations

import argparse
from typing import Any

from qagraph.cli.common import add_options, print_json
from qagraph.errors import QagraphError
from qagraph.ingest.readers import SUPPORTED_TYPES, ReadError, iter_input_files, read_document
from qagraph.ingest.split import SplitReport, inspect_document


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "inspect",
        help="show how documents split into questions, and what was skipped",
        description=f"Split files ({SUPPORTED_TYPES}) or folders as ingest would and show the "
        "result: per node the question, its lines (its page, cells or paragraphs in a PDF, "
        "notebook or Word file) and the rule that made it, and the navigation skipped. "
        "With several files, a summary table. The store is not touched.",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="files or folders")
    add_options(parser, store=False, model=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs, problems = iter_input_files(args.paths)
    reports: list[tuple[str, SplitReport]] = []
    for item in inputs:
        try:
            reports.append((item.name, inspect_document(read_document(item.path, name=item.name))))
        except ReadError as exc:
            problems.append(str(exc))
    if not reports:
        raise QagraphError("; ".join(problems) or "nothing to inspect")
    if args.json:
        print_json({"documents": [_doc_json(n, r) for n, r in reports], "problems": problems})
        return 0
    if len(reports) == 1:
        print(_detail(*reports[0]))
    else:
        print(_table(reports))
    for problem in problems:
        print(f"skipped: {problem}")
    return 0


def _counts(report: SplitReport) -> dict[str, int]:
    answered = sum(n.answered for n in report.nodes)
    return {
        "questions": len(report.nodes),
        "answered": answered,
        "unanswered": len(report.nodes) - answered,
        "skipped": len(report.skipped),
    }


def _doc_json(name: str, report: SplitReport) -> dict[str, Any]:
    return {
        "name": name,
        **_counts(report),
        "nodes": [
            {
                "question": n.question,
                "line_start": n.line_start,
                "line_end": n.line_end,
                "location": n.location,
                "rule": rule,
                "answered": n.answered,
                "section": n.section,
            }
            for n, rule in zip(report.nodes, report.rules, strict=True)
        ],
        "skipped_lines": [s._asdict() for s in report.skipped],
    }


def _detail(name: str, report: SplitReport) -> str:
    out = [f"{name}:"]
    for node, rule in zip(report.nodes, report.rules, strict=True):
        flag = "" if node.answered else "  [unanswered]"
        where = node.location or f"L{node.line_start}-{node.line_end}"
        out.append(f"  {where}  {node.question}{flag}")
        out.append(f"      rule: {rule}")
    for s in report.skipped:
        out.append(f"  skipped L{s.line_start}-{s.line_end}: {s.reason}")
    c = _counts(report)
    out.append(
        f"{c['questions']} questions, {c['answered']} answered, {c['unanswered']} unanswered, "
        f"{c['skipped']} skipped"
    )
    return "\n".join(out)


def _table(reports: list[tuple[str, SplitReport]]) -> str:
    headers = ("document", "questions", "answered", "unanswered", "skipped")
    rows = [(name, *map(str, _counts(r).values())) for name, r in reports]
    totals = [sum(_counts(r)[k] for _, r in reports) for k in headers[1:]]
    rows.append(("total", *map(str, totals)))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "  ".join(cells)

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(headers), rule, *(fmt(r) for r in rows[:-1]), rule, fmt(rows[-1])])
