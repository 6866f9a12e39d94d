"""`qagraph compare QUESTION|ID`: the answers to one question side by side, claim by claim."""

from __future__ import annotations

import argparse
import textwrap

from qagraph.cli.common import add_options, positive_int, prepared_store, print_json
from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase, QANode, Store

_LABELS = {
    "conflict": "In conflict",
    "shared": "Shared by every answer",
    "some": "Shared by some answers",
    "unique": "Only in one answer",
}
_MARKS = {"conflict": "\u2260", "shared": "=", "some": "\u2248", "unique": "\u00b7"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "compare",
        help="compare the answers to one question, claim by claim",
        description="Take the question (or the node with this id), the nodes the knowledge "
        "graph links to it as the same question, and align their answers sentence by "
        "sentence: the claims every answer makes, those only some or one make, and the "
        "claims in conflict, each with its citation. The store is built from the bundled "
        "corpus when missing.",
    )
    parser.add_argument("query", metavar="QUESTION|ID", help="a question, or a node id")
    parser.add_argument(
        "--max",
        type=positive_int,
        default=8,
        metavar="N",
        help="compare at most N answers (default 8): the node and those closest to it",
    )
    add_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qagraph.encoders.cache import CACHE_FILE, CachedEncoder
    from qagraph.ingest.contradictions.answer_groups import answer_group
    from qagraph.ingest.contradictions.compare import compare_answers
    from qagraph.ingest.contradictions.comparison import CompareConfig
    from qagraph.ingest.contradictions.detect import concept_names
    from qagraph.kb.contradictions import contradictions
    from qagraph.kb.manifest import CACHE_DIR

    path = prepared_store(args)
    with Store(path).open() as kb:
        node, encoder = _resolve(args, kb)
        group = answer_group(kb, node.id, args.max)
        ids = {n.id for n in group}
        flags = [c for c in contradictions(kb, touching=ids) if c.a in ids and c.b in ids]
        cached = CachedEncoder(encoder, path / CACHE_DIR / CACHE_FILE)
        try:
            result = compare_answers(
                group,
                cached,
                flags=flags,
                names=concept_names(kb.nodes(), kb.edges("mentions"), kb.concepts()),
                config=CompareConfig(max_nodes=args.max),
            )
        finally:
            cached.close()
        if args.json:
            data = result.to_json()
            data["citations"] = {n.id: _cite(n) for n in result.nodes}
            print_json(data)
        else:
            print(format_comparison(result))
    return 0


def _resolve(args: argparse.Namespace, kb: KnowledgeBase):
    """The node the query names (an id, else the best match of a search) and an encoder
    of the store's model."""
    query = args.query.strip()
    if not query:
        raise QagraphError("the question is empty")
    from qagraph.cli.common import open_retriever

    retriever = open_retriever(args)
    try:
        return kb.node(query), retriever.encoder
    except KeyError:
        pass
    result = retriever.search(query, k=1)
    if result.abstained or not result.hits:
        raise QagraphError(
            f"no question in the store matches {query!r}; `qagraph ask` lists the nearest "
            "topics it covers"
        )
    return kb.node(result.hits[0].node.id), retriever.encoder


def _cite(node: QANode) -> str:
    parts = [f"{node.source} #{node.number}" if node.number else node.source]
    if node.section:
        parts.append(node.section)
    parts.append(node.location or f"lines {node.line_start}-{node.line_end}")
    return ", ".join(parts)


def format_comparison(result) -> str:
    """The comparison as text: the answers with their citations, then the conflicts, the
    shared claims and the claims one answer makes alone."""
    number = {n.id: i for i, n in enumerate(result.nodes, start=1)}
    n = len(result.nodes)
    lines = [f"Q: {result.question}  ({n} answer{'s' if n != 1 else ''})"]
    for node in result.nodes:
        lines.append(f"  [{number[node.id]}] {_cite(node)}: {node.question}")
    for node in result.unanswered:
        lines.append(f"  (not compared: {_cite(node)}: no answer, or no claim in it)")
    if len(result.nodes) < 2:
        lines.append("Only one answer: nothing to compare it with.")
    for status in ("conflict", "shared", "some", "unique"):
        rows = result.by_status(status)
        if not rows:
            continue
        lines.append("")
        lines.append(f"{_LABELS[status]} ({len(rows)}):")
        for row in rows:
            head = f"  {_MARKS[status]} "
            if status == "conflict":
                lines.append(f"{head}{row.kind}, confidence {row.confidence:.2f}")
                head = "    "
            for k, claim in enumerate(row.claims):
                prefix = head if k == 0 else " " * len(head)
                if status == "conflict" and k:
                    prefix = "    vs "
                text = f"[{number.get(claim.node, '?')}] \u201c{claim.text}\u201d"
                lines.extend(
                    textwrap.wrap(
                        text, 100, initial_indent=prefix, subsequent_indent=" " * (len(prefix) + 4)
                    )
                )
    counts = result.counts()
    lines.append("")
    lines.append(
        f"{counts['shared']} shared by every answer, {counts['some']} by some, "
        f"{counts['unique']} in one answer only, {counts['conflict']} in conflict"
    )
    return "\n".join(lines)
