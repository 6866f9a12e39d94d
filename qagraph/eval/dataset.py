"""The graded evaluation set: loading, validation, splits and node resolution.

One JSON object per line: `id`, `query`, `kind`, `split` ("dev" or "test") and `relevant`,
a list of `{"source", "question", "grade"}` naming nodes by source file and question text,
never by id, so the set survives re-ingests; a reference may add `"number"` (the original
numbering) where a source asks the same question twice. Grade 2: the node answers the
query; grade 1: closely related. Out-of-scope kinds (`out_of_scope_*`) have no relevant
nodes; every other query has at least one node of grade 2.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase, QANode
from qagraph.kb.records import normalize_question

logger = logging.getLogger(__name__)

IN_SCOPE_KINDS = ("paraphrase", "typo", "acronym", "concept", "multi_source")
OUT_OF_SCOPE_KINDS = ("out_of_scope_far", "out_of_scope_near")
KINDS = IN_SCOPE_KINDS + OUT_OF_SCOPE_KINDS
SPLITS = ("dev", "test")
GRADES = (1, 2)
ANSWER_GRADE = 2
SPLIT_SEED = "qagraph-eval-v1"
DEV_FRACTION = 0.4
FUZZY_THRESHOLD = 90.0

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


class DatasetError(QagraphError):
    """The evaluation set is malformed or does not match the knowledge base."""


class NodeRef(NamedTuple):
    """A judged node, named by source and question text."""

    source: str
    question: str
    grade: int
    number: str | None = None

    def label(self) -> str:
        return f"{self.source}: {self.question}"


@dataclass(frozen=True, slots=True)
class EvalQuery:
    """One query of the set, with its judgements and the file line it came from."""

    id: str
    query: str
    kind: str
    split: str
    relevant: tuple[NodeRef, ...]
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return not is_out_of_scope(self.kind)


@dataclass(frozen=True, slots=True)
class EvalSet:
    """The queries of one set file."""

    queries: tuple[EvalQuery, ...]
    path: Path | None = None

    def select(self, split: str) -> tuple[EvalQuery, ...]:
        """Queries of one split ("dev", "test") or all of them ("all")."""
        if split == "all":
            return self.queries
        if split not in SPLITS:
            raise DatasetError(f"split must be one of dev, test, all, not {split!r}")
        return tuple(q for q in self.queries if q.split == split)


class ResolvedQuery(NamedTuple):
    """A query with its references resolved to node ids of one knowledge base.

    Attributes:
        query: The query as loaded.
        node_ids: Node id of each reference, parallel to `query.relevant`.
        qrels: Node id -> grade, read-only.
    """

    query: EvalQuery
    node_ids: tuple[str, ...]
    qrels: Mapping[str, int]

    def expected(self, grade: int = ANSWER_GRADE) -> list[tuple[str, NodeRef]]:
        """(node id, reference) pairs of at least this grade."""
        return [(i, r) for i, r in zip(self.node_ids, self.query.relevant) if r.grade >= grade]


def is_out_of_scope(kind: str) -> bool:
    return kind.startswith("out_of_scope")


def ordered_kinds(kinds: Iterable[str]) -> list[str]:
    """The distinct kinds given, known kinds first in their canonical order."""
    present = set(kinds)
    return [k for k in KINDS if k in present] + sorted(present - set(KINDS))


def default_set_path() -> Path:
    """The evaluation set shipped with the package."""
    return Path(str(resources.files("qagraph") / "data" / "eval" / "queries.jsonl"))


def load_eval_set(path: str | Path | None = None) -> EvalSet:
    """Read and validate a set file (the shipped one when `path` is None).

    Raises:
        DatasetError: Naming the file and line of the first malformed entry.
    """
    path = Path(path) if path is not None else default_set_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read evaluation set {path}: {exc}") from exc
    queries: list[EvalQuery] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            query = _parse(line, lineno)
        except ValueError as exc:
            raise DatasetError(f"{path}:{lineno}: {exc}") from None
        if query.id in seen:
            raise DatasetError(
                f"{path}:{lineno}: id {query.id!r} already used on line {seen[query.id]}"
            )
        seen[query.id] = lineno
        queries.append(query)
    if not queries:
        raise DatasetError(f"evaluation set {path} holds no queries")
    return EvalSet(tuple(queries), path)


def _parse(line: str, lineno: int) -> EvalQuery:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    qid, text, kind, split = (_text(data, f) for f in ("id", "query", "kind", "split"))
    if not _KIND_RE.match(kind):
        raise ValueError(f"kind {kind!r} must be lower-case words joined by '_'")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    raw = data.get("relevant")
    if not isinstance(raw, list):
        raise ValueError("'relevant' must be a list (empty for out-of-scope queries)")
    refs = tuple(_ref(item, i) for i, item in enumerate(raw))
    if is_out_of_scope(kind) and refs:
        raise ValueError(f"out-of-scope query {qid!r} must have no relevant nodes")
    if not is_out_of_scope(kind) and not any(r.grade == ANSWER_GRADE for r in refs):
        raise ValueError(f"in-scope query {qid!r} needs at least one node of grade 2")
    keys = [(r.source, normalize_question(r.question), r.number) for r in refs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"query {qid!r} lists the same node twice")
    return EvalQuery(qid, text, kind, split, refs, lineno)


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"field {field!r} must be a non-empty string")
    return value.strip()


def _ref(item: Any, index: int) -> NodeRef:
    if not isinstance(item, dict):
        raise ValueError(f"relevant[{index}] must be an object with source, question, grade")
    try:
        source, question = _text(item, "source"), _text(item, "question")
    except ValueError as exc:
        raise ValueError(f"relevant[{index}]: {exc}") from None
    grade = item.get("grade")
    if isinstance(grade, bool) or grade not in GRADES:
        raise ValueError(f"relevant[{index}]: grade must be 1 or 2, not {grade!r}")
    number = item.get("number")
    if number is not None and not isinstance(number, str | int):
        raise ValueError(f"relevant[{index}]: number must be a string")
    return NodeRef(source, question, int(grade), None if number is None else str(number))


def assign_splits(
    queries: Iterable[tuple[str, str]],
    *,
    seed: str = SPLIT_SEED,
    dev_fraction: float = DEV_FRACTION,
) -> dict[str, str]:
    """Deterministic dev/test split, stratified by kind: query id -> "dev" or "test".

    Within each kind, queries are ordered by a SHA-256 of `seed` and their id, and the
    first `round(n * dev_fraction)` go to dev.

    Args:
        queries: (id, kind) pairs.
        seed: Salt of the hash; changing it reshuffles the split.
        dev_fraction: Share of each kind put in dev.
    """
    by_kind: dict[str, list[str]] = {}
    for qid, kind in queries:
        by_kind.setdefault(kind, []).append(qid)
    splits: dict[str, str] = {}
    for ids in by_kind.values():
        ordered = sorted(ids, key=lambda i: hashlib.sha256(f"{seed}\0{i}".encode()).hexdigest())
        n_dev = round(len(ordered) * dev_fraction)
        splits.update({qid: "dev" if r < n_dev else "test" for r, qid in enumerate(ordered)})
    return splits


def _norm(text: str) -> str:
    return normalize_question(text.translate(_QUOTES)).rstrip(" ?.!:")


def resolve(
    queries: Iterable[EvalQuery], kb: KnowledgeBase, *, threshold: float = FUZZY_THRESHOLD
) -> tuple[ResolvedQuery, ...]:
    """Resolve every reference to a node id of `kb`.

    A reference matches the node of its source whose question is equal after
    normalisation (case, spaces, quotes, trailing punctuation), else the closest question
    by rapidfuzz ratio if it scores at least `threshold`; `number` narrows the candidates.

    Raises:
        DatasetError: Listing every reference that matches no node, or several.
    """
    by_source: dict[str, list[QANode]] = {}
    for node in kb.nodes():
        by_source.setdefault(node.source, []).append(node)
    resolved: list[ResolvedQuery] = []
    problems: list[str] = []
    for query in queries:
        ids: list[str] = []
        for ref in query.relevant:
            node_id, problem = _resolve_ref(ref, by_source, threshold)
            if problem:
                problems.append(f"line {query.line} ({query.id}): {ref.label()!r}: {problem}")
            ids.append(node_id or "")
        found = [i for i in ids if i]
        if len(set(found)) != len(found):
            problems.append(f"line {query.line} ({query.id}): two references name the same node")
        grades = MappingProxyType({i: r.grade for i, r in zip(ids, query.relevant)})
        resolved.append(ResolvedQuery(query, tuple(ids), grades))
    if problems:
        raise DatasetError(
            f"{len(problems)} evaluation references do not resolve against the knowledge "
            f"base at {kb.path}: " + "; ".join(problems)
        )
    return tuple(resolved)


def _resolve_ref(
    ref: NodeRef, by_source: Mapping[str, list[QANode]], threshold: float
) -> tuple[str | None, str | None]:
    candidates = by_source.get(ref.source)
    if not candidates:
        return None, "no such source in the knowledge base"
    if ref.number is not None:
        candidates = [n for n in candidates if n.number == ref.number]
        if not candidates:
            return None, f"the source has no question numbered {ref.number}"
    wanted = _norm(ref.question)
    exact = [n for n in candidates if _norm(n.question) == wanted]
    if len(exact) == 1:
        return exact[0].id, None
    if len(exact) > 1:
        return None, "the source asks this question several times: add its 'number'"
    choices = {n.id: _norm(n.question) for n in candidates}
    best = process.extract(wanted, choices, scorer=fuzz.ratio, limit=2, score_cutoff=threshold)
    if not best:
        closest = process.extractOne(wanted, choices, scorer=fuzz.ratio)
        hint = f" (closest: {closest[0]!r}, score {closest[1]:.0f})" if closest else ""
        return None, f"no question matches{hint}"
    if len(best) > 1 and best[0][1] == best[1][1]:
        return None, "several questions match equally well: add its 'number'"
    logger.info("fuzzy match %.0f: %r -> %r", best[0][1], ref.question, best[0][0])
    return best[0][2], None
