"""Records shared by every stage: sources, question/answer nodes and graph edges.

The JSON field names are the public interface documented in the README (`qagraph nodes
--json`, `qagraph contradictions --json`); `to_json` and `from_json` are the only places
that know them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

EDGE_KINDS = ("from", "mentions", "broader", "related", "same_question", "contradicts")


def normalize_question(text: str) -> str:
    """Canonical form of a question for identity: NFKC, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


def make_node_id(source: str, question: str, occurrence: int = 0) -> str:
    """A node id that stays the same while the source keeps the same question text.

    The occurrence index tells apart the same question asked twice in one source.
    """
    key = f"{source}\n{normalize_question(question)}\n{occurrence}"
    return "qa_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One ingested document.

    Attributes:
        name: File name as shown in citations (relative to the ingested folder).
        path: Absolute path at ingest time.
        sha256: Hash of the raw bytes, used to skip unchanged files on re-ingest.
        n_lines: Number of lines in the original file.
        encoding: Encoding the text was decoded with.
        warnings: Human-readable problems met while reading or splitting.
    """

    name: str
    path: str
    sha256: str
    n_lines: int
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "sha256": self.sha256,
            "n_lines": self.n_lines,
            "encoding": self.encoding,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceDoc:
        return cls(
            name=data["name"],
            path=data["path"],
            sha256=data["sha256"],
            n_lines=int(data["n_lines"]),
            encoding=data.get("encoding", "utf-8"),
            warnings=tuple(data.get("warnings", ())),
        )


@dataclass(frozen=True, slots=True)
class QANode:
    """One question with its answer, and where it came from.

    Attributes:
        id: Stable id (see `make_node_id`).
        source: Source file name.
        number: Original numbering as a string ("12", "57"), or None.
        section: Heading of the section the question sits in, or None.
        question: The question text, markers stripped.
        answer: The answer as markdown ("" when the source gives none).
        line_start: First line of the question in the original file (1-based).
        line_end: Last line of the answer in the original file (1-based, inclusive).
        answered: False when the source lists the question without a real answer.
        concepts: Names of the concepts the node mentions.
        location: Where the node sits when lines are not what a reader looks for: "p. 3,
            lines 12-19" in a PDF, "cells 12-14" in a notebook, "paragraph 7" in a Word
            file; None for text formats, where `line_start`-`line_end` say it all.
    """

    id: str
    source: str
    number: str | None
    section: str | None
    question: str
    answer: str
    line_start: int
    line_end: int
    answered: bool
    concepts: tuple[str, ...] = field(default=())
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "number": self.number,
            "section": self.section,
            "question": self.question,
            "answer": self.answer,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "answered": self.answered,
            "concepts": list(self.concepts),
            "location": self.location,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QANode:
        return cls(
            id=data["id"],
            source=data["source"],
            number=data.get("number"),
            section=data.get("section"),
            question=data["question"],
            answer=data.get("answer", ""),
            line_start=int(data["line_start"]),
            line_end=int(data["line_end"]),
            answered=bool(data["answered"]),
            concepts=tuple(data.get("concepts", ())),
            location=data.get("location"),
        )


@dataclass(frozen=True, slots=True)
class Edge:
    """A typed, directed graph edge between two node ids (qa, source or concept).

    Attributes:
        src: Id of the tail node.
        dst: Id of the head node.
        kind: One of `EDGE_KINDS`.
        weight: Strength of the link (1.0 when the kind has no notion of strength).
        data: Extra JSON-serialisable attributes (evidence sentences, ...), as a JSON string
            so that the record stays hashable.
    """

    src: str
    dst: str
    kind: str
    weight: float = 1.0
    data: str = "{}"

    def __post_init__(self) -> None:
        if self.kind not in EDGE_KINDS:
            raise ValueError(f"edge kind {self.kind!r} is not one of {', '.join(EDGE_KINDS)}")

    @property
    def attrs(self) -> dict[str, Any]:
        return json.loads(self.data)


def concept_node_id(name: str) -> str:
    """Graph id of a concept node."""
    return f"concept:{name}"


def source_node_id(name: str) -> str:
    """Graph id of a source document node."""
    return f"source:{name}"


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept that questions and answers mention.

    Attributes:
        name: Canonical name, lower case ("random forest", "principal component analysis").
        aliases: Other surface forms that mean the same ("random forests", "pca").
        broader: Names of more general concepts ("regularization" for "l1 regularization").
        origin: Where it came from: "glossary", "acronym" (defined in the text), "name" (a
            proper name, linked only from questions that name it) or "extracted".
    """

    name: str
    aliases: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    origin: str = "extracted"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "broader": list(self.broader),
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Concept:
        return cls(
            name=data["name"],
            aliases=tuple(data.get("aliases", ())),
            broader=tuple(data.get("broader", ())),
            origin=data.get("origin", "extracted"),
        )


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two answers that disagree, with the sentence from each that shows it.

    Attributes:
        a: Id of the first node.
        b: Id of the second node.
        kind: "negation", "antonym", "number", "quantifier" or "divergent".
        evidence_a: The sentence of `a` that conflicts.
        evidence_b: The sentence of `b` that conflicts.
        score: Confidence in [0, 1].
    """

    a: str
    b: str
    kind: str
    evidence_a: str
    evidence_b: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "evidence_a": self.evidence_a,
            "evidence_b": self.evidence_b,
            "score": round(float(self.score), 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contradiction:
        return cls(
            a=data["a"],
            b=data["b"],
            kind=data["kind"],
            evidence_a=data.get("evidence_a", ""),
            evidence_b=data.get("evidence_b", ""),
            score=float(data.get("score", 0.0)),
        )
