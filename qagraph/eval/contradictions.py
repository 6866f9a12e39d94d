"""The labelled contradiction set and the precision and recall of the flags on it.

One JSON object per line: `a` and `b`, each `{"source", "question"}` (plus `"number"` where
a source asks the same question twice), naming nodes by source file and question text so
that the set survives re-ingests; `label` (true when the two answers contradict each
other); `kind` for a true pair; and `reason`, one line saying why.

A pair counts as flagged when the store holds a `contradicts` edge between its two nodes,
in either direction; precision and recall are computed over the labelled pairs only, and
flags on pairs nobody labelled are listed apart. Per kind: recall over the true pairs of
that kind (flagged with any kind), precision over the labelled pairs flagged with it.

The shipped set names answers of the bundled corpus and of packaged evaluation documents
(`qagraph/data/eval/corpora/*`, `qagraph/data/eval/contradiction_docs/*`);
`evaluation_store` ingests them into a store of their own, rebuilt when a document, the
model or the contradiction detector changes. Scoring another store skips the pairs whose
sources it does not hold, and says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from qagraph.encoders import EncoderConfig
from qagraph.errors import QagraphError
from qagraph.kb import KnowledgeBase, Store
from qagraph.kb.contradictions import contradictions
from qagraph.kb.records import Contradiction, normalize_question

logger = logging.getLogger(__name__)

KINDS = ("negation", "antonym", "number", "quantifier", "divergent")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


class LabelledSetError(QagraphError):
    """The labelled contradiction set is malformed or does not match the knowledge base."""


class PairRef(NamedTuple):
    """A node named by source file, question text and, if needed, its number."""

    source: str
    question: str
    number: str | None = None


class LabelledPair(NamedTuple):
    """One judged candidate pair."""

    a: PairRef
    b: PairRef
    label: bool
    kind: str | None
    reason: str


class PairOutcome(NamedTuple):
    """What the flags say about one labelled pair.

    Attributes:
        pair: The judged pair.
        a: Id of node a.
        b: Id of node b.
        flagged: True when a `contradicts` edge joins the two nodes.
        outcome: "tp", "fp", "fn" or "tn".
        flagged_kind: Kind of the flag, when flagged.
    """

    pair: LabelledPair
    a: str
    b: str
    flagged: bool
    outcome: str
    flagged_kind: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "question_a": self.pair.a.question,
            "question_b": self.pair.b.question,
            "label": self.pair.label,
            "kind": self.pair.kind,
            "flagged": self.flagged,
            "flagged_kind": self.flagged_kind,
            "outcome": self.outcome,
            "reason": self.pair.reason,
        }


class KindScore(NamedTuple):
    """Precision and recall of one kind (None when undefined).

    Attributes:
        kind: The kind.
        labelled: True pairs labelled with this kind.
        found: Of those, how many are flagged (with any kind).
        flagged: Labelled pairs flagged with this kind.
        correct: Of those, how many are true.
        precision: `correct / flagged`.
        recall: `found / labelled`.
    """

    kind: str
    labelled: int
    found: int
    flagged: int
    correct: int
    precision: float | None
    recall: float | None

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


class ContradictionEval(NamedTuple):
    """Precision and recall of the flags on the labelled set (None when undefined)."""

    precision: float | None
    recall: float | None
    counts: dict[str, int]
    per_pair: list[PairOutcome]
    unlabelled: list[Contradiction]
    by_kind: list[KindScore] = []
    skipped: list[LabelledPair] = []

    def to_json(self) -> dict[str, Any]:
        return {
            "metrics": {"precision": self.precision, "recall": self.recall, **self.counts},
            "by_kind": {k.kind: k.to_json() for k in self.by_kind},
            "per_pair": [p.to_json() for p in self.per_pair],
            "unlabelled_flags": [c.to_json() for c in self.unlabelled],
            "skipped": [
                {"a": p.a._asdict(), "b": p.b._asdict(), "label": p.label} for p in self.skipped
            ],
        }


def default_labelled_path() -> Path:
    """The labelled set shipped with qagraph (pairs from the bundled corpus)."""
    return Path(str(resources.files("qagraph") / "data" / "eval" / "contradictions.jsonl"))


def _ref(data: Any, where: str) -> PairRef:
    if not isinstance(data, dict) or not data.get("source") or not data.get("question"):
        raise LabelledSetError(f"{where}: needs an object with 'source' and 'question'")
    number = data.get("number")
    return PairRef(
        str(data["source"]), str(data["question"]), None if number is None else str(number)
    )


def load_labelled(path: str | Path | None = None) -> list[LabelledPair]:
    """Read a labelled set (default: the shipped one).

    Raises:
        LabelledSetError: When the file is missing or a line is malformed.
    """
    path = Path(path) if path is not None else default_labelled_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelledSetError(f"cannot read the labelled set {path}: {exc}") from exc
    pairs = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelledSetError(f"{where}: not JSON: {exc}") from exc
        label, kind = data.get("label"), data.get("kind")
        if not isinstance(label, bool):
            raise LabelledSetError(f"{where}: 'label' must be true or false")
        if label and kind not in KINDS:
            raise LabelledSetError(f"{where}: a true pair needs a 'kind' in {', '.join(KINDS)}")
        pairs.append(
            LabelledPair(
                _ref(data.get("a"), f"{where} a"),
                _ref(data.get("b"), f"{where} b"),
                label,
                kind if label else None,
                str(data.get("reason", "")),
            )
        )
    return pairs


def _norm(text: str) -> str:
    return normalize_question(text.translate(_QUOTES))


def resolve(kb: KnowledgeBase, ref: PairRef) -> str:
    """The id of the node a reference names.

    Raises:
        LabelledSetError: When no node, or more than one, matches.
    """
    wanted = _norm(ref.question)
    found = [
        n.id
        for n in kb.nodes(source=ref.source)
        if _norm(n.question) == wanted and (ref.number is None or n.number == ref.number)
    ]
    if len(found) != 1:
        problem = "no node" if not found else "several nodes (add 'number')"
        raise LabelledSetError(f"{problem} for {ref.source}: {ref.question!r}")
    return found[0]


def evaluate_contradictions(
    kb: KnowledgeBase, labelled: Sequence[LabelledPair], *, skip_missing: bool = False
) -> ContradictionEval:
    """Precision and recall of the store's flags on a labelled set.

    Args:
        kb: The knowledge base, with its `contradicts` edges.
        labelled: The judged pairs.
        skip_missing: Leave out (and list) the pairs naming a source the store does not
            hold, instead of failing on them.

    Returns:
        Precision (None when nothing labelled is flagged), recall (None without true pairs),
        the same per kind, the outcome of each pair, and the flags on pairs outside the set.

    Raises:
        LabelledSetError: A pair names a node the store does not hold.
    """
    flags = {frozenset((c.a, c.b)): c for c in contradictions(kb, marked=None)}
    sources = {s.name for s in kb.sources()}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    per_pair, seen, skipped = [], set(), []
    for pair in labelled:
        if skip_missing and not {pair.a.source, pair.b.source} <= sources:
            skipped.append(pair)
            continue
        a, b = resolve(kb, pair.a), resolve(kb, pair.b)
        key = frozenset((a, b))
        seen.add(key)
        flag = flags.get(key)
        outcome = ("tp" if flag else "fn") if pair.label else ("fp" if flag else "tn")
        counts[outcome] += 1
        per_pair.append(PairOutcome(pair, a, b, flag is not None, outcome, flag and flag.kind))
    flagged = counts["tp"] + counts["fp"]
    positives = counts["tp"] + counts["fn"]
    return ContradictionEval(
        precision=counts["tp"] / flagged if flagged else None,
        recall=counts["tp"] / positives if positives else None,
        counts=counts,
        per_pair=per_pair,
        unlabelled=[c for key, c in flags.items() if key not in seen],
        by_kind=_by_kind(per_pair),
        skipped=skipped,
    )


def _by_kind(per_pair: Sequence[PairOutcome]) -> list[KindScore]:
    out = []
    for kind in KINDS:
        true = [p for p in per_pair if p.pair.label and p.pair.kind == kind]
        flagged = [p for p in per_pair if p.flagged_kind == kind]
        found = sum(p.flagged for p in true)
        correct = sum(p.pair.label for p in flagged)
        out.append(
            KindScore(
                kind,
                len(true),
                found,
                len(flagged),
                correct,
                correct / len(flagged) if flagged else None,
                found / len(true) if true else None,
            )
        )
    return out


# --- the evaluation store: the documents the shipped set names ------------------------------


def _packaged_documents() -> dict[str, Path]:
    """Packaged documents by file name: the bundled corpus and the evaluation documents."""
    data = Path(str(resources.files("qagraph") / "data"))
    found: dict[str, Path] = {}
    for folder in (data / "eval" / "corpora", data / "eval" / "contradiction_docs"):
        if folder.is_dir():
            for path in sorted(folder.glob("*/*")):
                if path.is_file() and path.suffix.lower() in {".md", ".txt", ".rst", ".html"}:
                    found.setdefault(path.name, path)
    for path in sorted((data / "corpus").glob("*.txt")):
        found[path.name] = path
    return found


def labelled_documents(labelled: Sequence[LabelledPair]) -> list[Path]:
    """The packaged documents a labelled set needs: the bundled corpus and every other
    packaged document it names.

    Raises:
        LabelledSetError: A source is no packaged document (score a store holding it).
    """
    packaged = _packaged_documents()
    bundled = sorted(Path(str(resources.files("qagraph") / "data" / "corpus")).glob("*.txt"))
    names = sorted({r.source for p in labelled for r in (p.a, p.b)})
    missing = [n for n in names if n not in packaged]
    if missing:
        raise LabelledSetError(
            f"the labelled set names {', '.join(missing)}, which qagraph does not ship; "
            "score a store holding them with --store DIR"
        )
    extra = [packaged[n] for n in names if packaged[n] not in bundled]
    return [*bundled, *extra]


def _detector_fingerprint() -> str:
    """Changes when the contradiction detector or its lexicon changes."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted((package / "ingest" / "contradictions").glob("*.py")):
        digest.update(path.read_bytes())
    lexicon = package / "data" / "contradiction_lexicon.json"
    if lexicon.is_file():
        digest.update(lexicon.read_bytes())
    return digest.hexdigest()


def evaluation_store(
    labelled: Sequence[LabelledPair], encoder: EncoderConfig, *, root: Path | None = None
) -> Path:
    """A store of the documents the labelled set names, built first when missing or out of
    date (a document, the model, the detector or the lexicon changed). Its vector cache is
    kept across rebuilds, so only the first build embeds everything."""
    from qagraph.eval.corpora import cache_root
    from qagraph.ingest.pipeline import IngestConfig, ingest

    documents = labelled_documents(labelled)
    path = (root or cache_root()) / f"contradictions-{encoder.model.replace('/', '_')}"
    stamp_file = path.with_name(path.name + ".sha256")
    digest = hashlib.sha256(encoder.model.encode())
    for doc in documents:
        digest.update(doc.name.encode())
        digest.update(doc.read_bytes())
    digest.update(_detector_fingerprint().encode())
    stamp = digest.hexdigest()[:16]
    if Store(path).exists and stamp_file.is_file():
        if stamp_file.read_text(encoding="utf-8").strip() == stamp:
            return path
    logger.info("building the contradiction evaluation store in %s", path)
    config = IngestConfig(encoder=encoder, progress=False)
    result = ingest(documents, store=path, config=config)
    if not result.nodes:
        raise QagraphError("the labelled set's documents gave no question/answer nodes")
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.write_text(stamp + "\n", encoding="utf-8")
    return path


def format_eval(result: ContradictionEval) -> str:
    """The evaluation as text: the two rates, a line per kind, then one line per pair that
    went wrong."""

    def rate(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    c = result.counts
    lines = [
        f"contradictions: precision {rate(result.precision)}, recall {rate(result.recall)} "
        f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']}, tn {c['tn']}; "
        f"{len(result.per_pair)} labelled pairs)"
    ]
    if result.by_kind:
        lines.append(
            f"  {'kind':<11} {'precision':>9} {'recall':>8}  found/labelled  right/flagged"
        )
        for k in result.by_kind:
            lines.append(
                f"  {k.kind:<11} {rate(k.precision):>9} {rate(k.recall):>8}  "
                f"{k.found:>5}/{k.labelled:<8}  {k.correct:>5}/{k.flagged}"
            )
    if result.skipped:
        missing = sorted({r.source for p in result.skipped for r in (p.a, p.b)} - _held(result))
        lines.append(
            f"  skipped {len(result.skipped)} pairs whose sources the store does not hold"
            + (f": {', '.join(missing)}" if missing else "")
        )
    for p in result.per_pair:
        if p.outcome in ("fp", "fn"):
            what = "false flag" if p.outcome == "fp" else f"missed {p.pair.kind}"
            lines.append(f"  {what}: {p.pair.a.source}: {p.pair.a.question}")
            lines.append(f"      vs {p.pair.b.source}: {p.pair.b.question}  ({p.pair.reason})")
    for flag in result.unlabelled:
        lines.append(f"  unlabelled flag ({flag.kind}): {flag.a} / {flag.b}")
    return "\n".join(lines)


def _held(result: ContradictionEval) -> set[str]:
    return {r.source for p in result.per_pair for r in (p.pair.a, p.pair.b)}
