"""Embedding units: what of each node gets a vector.

A node gives one unit for its question, one per answer chunk and, when answered, one
"field" unit: the question followed by the opening of its answer, cut to what the model
reads. The field unit is the representation a plain dense search would use; scored beside
the question and the chunks it carries what each alone misses (a paraphrase that names
the answer's words, not the question's), the multi-field idea of FAQ retrieval.

The model reads at most `encoder.max_tokens` word pieces, so long answers are cut on
paragraph, line, sentence and word boundaries (characters only as a last resort) into
chunks that each fit; nothing is ever truncated, and the chunks together cover every
character of the answer but the whitespace between them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from qagraph.encoders.base import Encoder
from qagraph.kb.records import QANode

logger = logging.getLogger(__name__)

UNIT_KINDS = ("question", "answer", "field")

# Coarse to fine: paragraphs, lines, sentences, words. Characters come after the last one.
_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"(?<=[.!?;:])\s+"),
    re.compile(r"\s+"),
)


class Unit(NamedTuple):
    """One embedded text and the node it belongs to.

    Attributes:
        node_id: The node the unit comes from.
        kind: "question", "answer" or "field".
        chunk: Index of the answer chunk (0 for the question and the field unit).
        start: First character of the chunk in the answer (0 for the question and field).
        end: One past its last character (len(question) for the question; for the field
            unit, one past the last answer character it holds).
        text: The text given to the encoder (an answer chunk may carry a question prefix).
    """

    node_id: str
    kind: str
    chunk: int
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return self._asdict()


@dataclass(frozen=True, slots=True)
class UnitConfig:
    """How nodes are cut into embedding units.

    Attributes:
        question_prefix_words: Words of the question put before each answer chunk, so a
            chunk deep inside a long answer still says what it answers; 0 for none.
        embed_unanswered: Also embed the (placeholder) answer of unanswered nodes.
        max_tokens: Word pieces per answer chunk; None for all the encoder reads. Never
            more than the encoder reads, whatever is set here.
        field_chars: Answer characters at most in the field unit (question + answer
            opening); 0 for no field unit.
    """

    question_prefix_words: int = 0
    embed_unanswered: bool = False
    max_tokens: int | None = None
    field_chars: int = 1000

    def __post_init__(self) -> None:
        if self.question_prefix_words < 0:
            raise ValueError(
                f"question_prefix_words must be >= 0, not {self.question_prefix_words}"
            )
        if self.field_chars < 0:
            raise ValueError(f"field_chars must be >= 0, not {self.field_chars}")
        if self.max_tokens is not None and self.max_tokens < 8:
            raise ValueError(f"max_tokens must be at least 8, not {self.max_tokens}")


def split_text(text: str, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Cut `text` into consecutive spans that each satisfy `fits`, as few as greedily possible.

    Args:
        text: The text to cut.
        fits: Whether a candidate chunk is short enough.

    Returns:
        (start, end) character spans in order; leading and trailing whitespace of each
        span is left out, and an all-blank text gives no span.
    """
    atoms: list[tuple[int, int]] = []
    _atoms(text, 0, len(text), 0, fits, atoms)
    chunks: list[tuple[int, int]] = []
    for start, end in atoms:
        # Merge with the previous chunk when the union still fits; the union's length is
        # bounded by the budget, so the repeated counting stays linear in the text length.
        if chunks and fits(text[chunks[-1][0] : end]):
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((start, end))
    return chunks


def _atoms(
    text: str, start: int, end: int, level: int, fits: Callable[[str], bool], out: list
) -> None:
    """Append to `out` the spans of text[start:end], split as finely as needed to fit."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if fits(text[start:end]):
        out.append((start, end))
        return
    if level >= len(_BOUNDARIES):
        # A single "word" longer than the budget (a URL, a base64 blob): halve it.
        if end - start == 1:
            raise ValueError("the token budget cannot hold a single character")
        mid = (start + end) // 2
        _atoms(text, start, mid, level, fits, out)
        _atoms(text, mid, end, level, fits, out)
        return
    pos = start
    for match in _BOUNDARIES[level].finditer(text, start, end):
        _atoms(text, pos, match.start(), level + 1, fits, out)
        pos = match.end()
    _atoms(text, pos, end, level + 1, fits, out)


def question_prefix(question: str, words: int) -> str:
    """The first `words` words of the question, as a line to put before an answer chunk."""
    if words <= 0:
        return ""
    parts = question.split()
    head = " ".join(parts[:words]) + (" ..." if len(parts) > words else "")
    return head + "\n"


def node_units(node: QANode, encoder: Encoder, config: UnitConfig | None = None) -> list[Unit]:
    """The units of one node: its question, its answer chunks, then its field unit.

    Raises:
        ValueError: When even the question prefix alone does not fit the encoder.
    """
    config = config or UnitConfig()
    limit = min(encoder.max_tokens, config.max_tokens or encoder.max_tokens)
    question = node.question.strip()
    units = [Unit(node.id, "question", 0, 0, len(node.question), question)]
    if encoder.count_tokens(question) > limit:
        # Questions are short in practice; a giant one is cut into several question units.
        spans = split_text(node.question, lambda t: encoder.count_tokens(t) <= limit)
        units = [
            Unit(node.id, "question", i, s, e, node.question[s:e]) for i, (s, e) in enumerate(spans)
        ]
    if not node.answer.strip() or not (node.answered or config.embed_unanswered):
        return units
    prefix = question_prefix(question, config.question_prefix_words)
    if prefix and encoder.count_tokens(prefix) > limit // 2:
        prefix = ""  # a prefix eating half the budget would crowd out the answer itself
    spans = split_text(node.answer, lambda t: encoder.count_tokens(prefix + t) <= limit)
    units.extend(
        Unit(node.id, "answer", i, s, e, prefix + node.answer[s:e])
        for i, (s, e) in enumerate(spans)
    )
    field = field_unit(node, encoder, limit, config.field_chars)
    if field is not None:
        units.append(field)
    return units


def field_unit(node: QANode, encoder: Encoder, limit: int, chars: int) -> Unit | None:
    """The question and the opening of the answer as one text, or None.

    The opening is the first chunk of the answer cut as the answer units are, on
    paragraph, line, sentence and word boundaries, so that it fits the model after the
    question, within `chars` characters.
    """
    question = node.question.strip()
    head = node.answer[:chars]
    if chars <= 0 or not head.strip() or encoder.count_tokens(question) > limit // 2:
        return None
    text = question + "\n"
    spans = split_text(head, lambda t: encoder.count_tokens(text + t) <= limit)
    if not spans:
        return None
    end = spans[0][1]
    return Unit(node.id, "field", 0, 0, end, text + head[:end].strip())


def build_units(
    nodes: Iterable[QANode], encoder: Encoder, config: UnitConfig | None = None
) -> list[Unit]:
    """All units of all nodes, node by node in the given order."""
    units: list[Unit] = []
    for node in nodes:
        units.extend(node_units(node, encoder, config))
    logger.debug("built %d embedding units", len(units))
    return units
