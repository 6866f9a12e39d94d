"""From a read document to question/answer nodes with provenance."""

from __future__ import annotations

import logging

from qagraph.ingest.readers import Document
from qagraph.ingest.split.answers import is_answered, render_answer
from qagraph.ingest.split.detect import Block, SplitterConfig, split_lines
from qagraph.ingest.split.facts import line_facts
from qagraph.kb.records import QANode, make_node_id, normalize_question

logger = logging.getLogger(__name__)


def split_document(doc: Document, config: SplitterConfig | None = None) -> list[QANode]:
    """Split one document into nodes, with lines counted in the original file.

    Args:
        doc: A document from `qagraph.ingest.readers.read_document`.
        config: Splitter settings; the defaults suit most documents.

    Returns:
        The nodes in document order. Ids depend only on the source name, the question text
        and how many times the same question came before it in the document.
    """
    lines = doc.lines
    seen: dict[str, int] = {}
    nodes: list[QANode] = []
    # Markdown, and what readers turn into markdown, is parsed; plain text has no markup.
    facts = line_facts(lines) if doc.format != "text" else None
    for block in split_lines(lines, config, facts=facts):
        key = normalize_question(block.question)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        nodes.append(_to_node(doc, lines, block, occurrence))
    logger.debug("%s: %d nodes", doc.name, len(nodes))
    return nodes


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
        line_end=doc.line_map[last],
        answered=block.kind != "listed" and is_answered(answer),
    )
