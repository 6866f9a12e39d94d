"""From a read document to question/answer nodes with provenance."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import NamedTuple

from qagraph.ingest.readers import Document
from qagraph.ingest.split.answers import is_answered, render_answer
from qagraph.ingest.split.detect import Block, SplitterConfig, split_lines
from qagraph.ingest.split.facts import line_facts
from qagraph.ingest.split.lines import clean_title
from qagraph.kb.records import QANode, make_node_id, normalize_question

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w")
_QUOTE_MARKS = re.compile(r"^(\s*>)+\s*")
_MARKUP = re.compile(r"\*\*|__|\]\(|</?[a-zA-Z][^>]*>")


def _display(question: str) -> str:
    """A question line taken as written (a plain line, a blockquote) without the markup
    left in it: quote markers, emphasis, links and inline tags."""
    text = _QUOTE_MARKS.sub("", question)
    return clean_title(text) if text != question or _MARKUP.search(text) else question


class Skipped(NamedTuple):
    """Lines left out of every node, and why (1-based lines of the original file)."""

    line_start: int
    line_end: int
    reason: str


class SplitReport(NamedTuple):
    """How a document split: its nodes, the rule behind each, and what was skipped.

    Attributes:
        nodes: The nodes in document order.
        rules: For each node, the structure that made it ("heading h3", ...).
        skipped: Navigation left out (tables of contents, links back to the top, badges).
    """

    nodes: list[QANode]
    rules: list[str]
    skipped: list[Skipped]


def split_document(doc: Document, config: SplitterConfig | None = None) -> list[QANode]:
    """Split one document into nodes; see `inspect_document` for the arguments."""
    return inspect_document(doc, config).nodes


def inspect_document(doc: Document, config: SplitterConfig | None = None) -> SplitReport:
    """Split one document into nodes, with lines counted in the original file.

    Args:
        doc: A document from `qagraph.ingest.readers.read_document`.
        config: Splitter settings; the defaults suit most documents.

    Returns:
        The nodes in document order (ids depend only on the source name, the question text
        and how many times the same question came before it in the document), the rule
        that made each, and the navigation that was skipped.
    """
    lines = doc.lines
    seen: dict[str, int] = {}
    nodes: list[QANode] = []
    rules: list[str] = []
    # Markdown, and what readers turn into markdown, is parsed; plain text has no markup.
    facts = line_facts(lines) if doc.format != "text" else None
    for block in split_lines(lines, config, facts=facts):
        block = replace(block, question=_display(block.question))
        if not _WORD.search(block.question):
            continue  # a heading that is only an anchor, markup or "?" asks nothing
        key = normalize_question(block.question)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        nodes.append(_to_node(doc, lines, block, occurrence))
        rules.append(block.rule)
    logger.debug("%s: %d nodes", doc.name, len(nodes))
    skipped = _skipped(doc, facts.navigation) if facts is not None else []
    return SplitReport(nodes, rules, skipped)


def _skipped(doc: Document, navigation: dict[int, str]) -> list[Skipped]:
    out: list[Skipped] = []
    for idx in sorted(navigation):
        line, reason = doc.line_map[idx], navigation[idx]
        if out and out[-1].reason == reason and line - out[-1].line_end <= 2:
            out[-1] = out[-1]._replace(line_end=line)
        else:
            out.append(Skipped(line, line, reason))
    return out


def _to_node(doc: Document, lines: list[str], block: Block, occurrence: int) -> QANode:
    answer = ""
    last = block.line
    if block.answer is not None:  # given inline, e.g. by a question/answer table row
        answer = block.answer
    elif block.body is not None:
        first, last = block.body
        answer = render_answer(
            lines[first : last + 1], plain_text=doc.format == "text", indent=block.indent
        )
    return QANode(
        id=make_node_id(doc.name, block.question, occurrence),
        source=doc.name,
        number=block.number,
        section=block.section,
        question=block.question,
        answer=answer,
        line_start=doc.line_map[block.line],
        # A converted line can draw on later source lines than the next one starts on (a
        # table row whose cells span lines), so the end is the furthest any line reaches.
        line_end=max(doc.last_line(i) for i in range(block.line, max(block.line, last) + 1)),
        answered=block.kind != "listed" and is_answered(answer),
        location=doc.location(block.line, last),
    )
