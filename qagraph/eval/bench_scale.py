"""Ingest at scale: a corpus of N questions made from real documents, ingested cold.

`make_corpus` replicates and perturbs the question/answer nodes of the bundled corpus and
of the evaluation corpora (`qagraph/data/eval/corpora/*`) until there are N of them, and
writes them as markdown files. Nothing is random text: every copy after the first pairs
a node with another question of its section ("What is X? And how does Y work?"), swaps a
sentence between the two answers, shifts the numbers, and from the second pass on puts a
section of another document before the question ("In Go modules: ..."), so that copies of
one question are related but not identical, as questions repeated across many articles are.

`run_scale` ingests that folder into a fresh store (cold vector cache) with every pipeline
stage timed by wrapping the functions the pipeline calls (nothing in the pipeline changes):

| stage | what | grows with N as |
|---|---|---|
| read/split | read each file, split it into nodes | N |
| concepts | phrases, glossary, variants, mentions, keyphrases | N (+ phrases; synonyms: k-NN) |
| related | concept co-occurrence (NPMI), name similarity | N c^2 (c a node); names: C k |
| graph links | question topics, question vectors | N |
| same-question pairs | k-NN of each question, blocks of near-repeats | N k (+ blocks squared) |
| embedding/index | unit vectors (model) and the FAISS index | N |
| contradiction candidates | k-NN of questions and of answers' TF-IDF | N k |
| contradictions | claims and rules per candidate, misfit by k-NN | candidates: <= N k |
| store write | nodes, edges, manifest (the rest of the write) | N + edges |

k-NN, FAISS neighbours (`qagraph.ingest.neighbours`): each row's k nearest rows, from an exact
flat index up to 20,000 rows (N^2 d multiply-adds in one BLAS pass, linear memory), from
an HNSW graph above (N log N). Answers' TF-IDF vectors are compared exactly up to 5,000
nodes, above through a 256-dimension random projection searched the same way. A block of
near-repeats: questions with the same concepts and the same other words, but one.

Peak resident memory is read per stage (Linux: VmHWM, reset between stages through
/proc/self/clear_refs), else for the whole process (getrusage).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Questions per synthetic markdown file.
PER_FILE = 50
_NUMBER = re.compile(r"(?<![\w.,])\d{1,4}(?![\w.,])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_PROSE = re.compile(r"^(?![\s>|#`~*+\-\d]|\[)")


@dataclass(frozen=True, slots=True)
class SeedNode:
    """One real node the synthetic corpus is made from."""

    doc: str
    section: str
    question: str
    answer: str


@dataclass(slots=True)
class CorpusInfo:
    """What `make_corpus` wrote."""

    folder: Path
    files: int
    questions: int
    seeds: int
    bytes: int
    seconds: float
    sources: list[str] = field(default_factory=list)


def seed_paths() -> list[Path]:
    """The bundled corpus and every evaluation corpus's documents."""
    from qagraph.eval.corpora import _packaged_root
    from qagraph.ingest.pipeline import bundled_corpus

    paths = [bundled_corpus()]
    root = _packaged_root()
    if root.is_dir():
        paths += sorted(p for p in root.iterdir() if p.is_dir())
    return paths


def load_seeds(paths: Sequence[Path] | None = None) -> list[SeedNode]:
    """The answered nodes of the seed documents, split as ingest splits them."""
    from qagraph.errors import QagraphError
    from qagraph.ingest.readers import iter_input_files, read_document
    from qagraph.ingest.split import SplitterConfig, split_document

    seeds = []
    for root in paths or seed_paths():
        files, _ = iter_input_files([root])
        for path, name in files:
            try:
                doc = read_document(path, name=name, max_bytes=None)
            except QagraphError:
                continue
            # Named with their folder: two corpora may both have a faq.md.
            label = f"{Path(root).name}/{name}" if Path(root).is_dir() else name
            for node in split_document(doc, SplitterConfig()):
                question = " ".join(node.question.split())
                if node.answered and question and node.answer.strip():
                    section = " ".join((node.section or Path(name).stem).split())
                    seeds.append(SeedNode(label, section, question, node.answer.strip()))
    return seeds


def _prose_lines(answer: str) -> list[int]:
    """Lines of plain prose (not code, lists, tables, quotes or headings)."""
    lines, fenced = answer.split("\n"), False
    out = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and line.strip() and _PROSE.match(line):
            out.append(i)
    return out


def _swap_sentence(answer: str, donor: str, turn: int) -> str:
    """`answer` with one of its prose sentences replaced by one of `donor`'s."""
    mine, theirs = _prose_lines(answer), _prose_lines(donor)
    if not mine or not theirs:
        return answer
    lines = answer.split("\n")
    donor_lines = donor.split("\n")
    given = _SENTENCE_END.split(donor_lines[theirs[turn % len(theirs)]].strip())
    target = mine[turn % len(mine)]
    sentences = _SENTENCE_END.split(lines[target].strip())
    sentences[turn % len(sentences)] = given[turn % len(given)]
    lines[target] = " ".join(sentences)
    return "\n".join(lines)


def _shift_numbers(text: str, by: int) -> str:
    if by == 0:
        return text
    return _NUMBER.sub(lambda m: str(int(m.group()) + by), text)


def _join_questions(first: str, second: str) -> str:
    second = second.strip()
    if second[:1].isupper() and not second[:2].isupper():
        second = second[0].lower() + second[1:]
    first = first.rstrip()
    if not first.endswith("?"):
        first = first.rstrip(".:") + "?"
    return f"{first} And {second}"


def synthetic_nodes(seeds: Sequence[SeedNode], n: int) -> Iterator[tuple[str, str, str]]:
    """(section heading, question, answer) of `n` synthetic nodes, in a fixed order.

    Pass 0 is the seeds as they are. Pass r >= 1 pairs each seed with the r-th other
    question of its section (of its document when the section has one question), and from
    the number of partners on also names a section of another document before the question.
    """
    if not seeds:
        raise ValueError("no seed nodes to build a corpus from")
    by_section: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, seed in enumerate(seeds):
        by_section[seed.doc, seed.section].append(i)
        by_doc[seed.doc].append(i)
    sections = sorted({(s.doc, s.section) for s in seeds})
    for k in range(n):
        turn, i = divmod(k, len(seeds))
        seed = seeds[i]
        if turn == 0:
            yield seed.section, seed.question, seed.answer
            continue
        mates = [j for j in by_section[seed.doc, seed.section] if j != i]
        mates = mates or [j for j in by_doc[seed.doc] if j != i] or [i]
        lap, slot = divmod(turn - 1, len(mates))
        mate = seeds[mates[(slot + i) % len(mates)]]
        question = _shift_numbers(_join_questions(seed.question, mate.question), turn)
        answer = _shift_numbers(_swap_sentence(seed.answer, mate.answer, turn), turn)
        section = f"{seed.section} ({turn})"
        if lap:
            doc, other = sections[(i * 7 + lap) % len(sections)]
            if doc == seed.doc:
                doc, other = sections[(i * 7 + lap + 1) % len(sections)]
            question = f"In {other}: {question}"
        yield section, question, answer


def make_corpus(n: int, folder: Path, seeds: Sequence[SeedNode] | None = None) -> CorpusInfo:
    """Write `n` synthetic questions as markdown files (PER_FILE each) into `folder`."""
    if n < 1:
        raise ValueError(f"the corpus needs at least one question, not {n}")
    start = time.perf_counter()
    seeds = list(seeds) if seeds is not None else load_seeds()
    folder.mkdir(parents=True, exist_ok=True)
    files, size, batch = 0, 0, []

    def flush() -> None:
        nonlocal files, size, batch
        lines = [f"# Interview questions, part {files + 1}", ""]
        section = None
        for heading, question, answer in batch:
            if heading != section:
                lines += [f"## {heading}", ""]
                section = heading
            lines += [f"### {question}", "", answer, ""]
        text = "\n".join(lines)
        path = folder / f"q{files:05d}.md"
        path.write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
        files += 1
        batch = []

    for item in synthetic_nodes(seeds, n):
        batch.append(item)
        if len(batch) == PER_FILE:
            flush()
    if batch:
        flush()
    return CorpusInfo(
        folder,
        files,
        n,
        len(seeds),
        size,
        time.perf_counter() - start,
        sorted({s.doc for s in seeds}),
    )


# --- timing the pipeline's stages ------------------------------------------------------------


def _read_hwm_kb() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class StageClock:
    """Exclusive wall time per stage: a stage called inside another is not counted twice.

    Also the model's share: `encode_s` and `texts` per stage, from the encoder proxy.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.encode_s: dict[str, float] = defaultdict(float)
        self.texts: dict[str, int] = defaultdict(int)
        self.peak_mb: dict[str, float] = {}
        self.sizes: dict[str, int] = {}  # length of what each stage returned, if a list
        self.log: Callable[[str], None] | None = None
        self._stack: list[list[Any]] = []  # [name, start, child seconds, peak kB]
        self.track_memory = True

    @property
    def current(self) -> str:
        return self._stack[-1][0] if self._stack else "other"

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._fold()
        self._stack.append([name, time.perf_counter(), 0.0, 0.0])
        try:
            yield
        finally:
            self._fold()
            _, start, children, peak_kb = self._stack.pop()
            elapsed = time.perf_counter() - start
            self.seconds[name] += elapsed - children
            self.calls[name] += 1
            if self._stack:
                self._stack[-1][2] += elapsed
            if peak_kb:
                self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), peak_kb / 1024)
            if self.log is not None and name != "read/split":
                self.log(f"{name}: {elapsed:.1f} s")

    def _fold(self) -> None:
        """Book the peak since the last fold to every open stage, then reset the peak."""
        if not self.track_memory:
            return
        hwm = _read_hwm_kb()
        if hwm is None:
            return
        for frame in self._stack:
            frame[3] = max(frame[3], hwm)
        _reset_hwm()

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            with self.stage(name):
                value = fn(*args, **kwargs)
            if isinstance(value, list):
                self.sizes[name] = len(value)
            return value

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


class TimedEncoder:
    """An encoder that books each `encode` call's time and texts to the current stage."""

    def __init__(self, inner: Any, clock: StageClock, keep: list[str] | None = None) -> None:
        self._inner = inner
        self._clock = clock
        self._keep = keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def encode(self, texts, **kwargs):
        texts = list(texts) if not isinstance(texts, str) else texts
        start = time.perf_counter()
        out = self._inner.encode(texts, **kwargs)
        stage = self._clock.current
        self._clock.encode_s[stage] += time.perf_counter() - start
        self._clock.texts[stage] += len(texts)
        if self._keep is not None:
            self._keep.extend(texts)
        return out

    def count_tokens(self, text: str) -> int:
        return self._inner.count_tokens(text)


#: (module, attribute, stage) of the functions the pipeline calls, wrapped while timing.
_STAGES = (
    ("qagraph.ingest.pipeline", "_ingest_file", "read/split"),
    ("qagraph.ingest.pipeline", "build_graph", "graph links"),
    ("qagraph.ingest.graph", "extract_concepts", "concepts"),
    ("qagraph.ingest.graph", "related_edges", "related"),
    ("qagraph.ingest.graph", "same_question_edges", "same-question pairs"),
    ("qagraph.ingest.pipeline", "build_retrieval_index", "embedding/index"),
    ("qagraph.ingest.pipeline", "detect_contradictions", "contradictions"),
    ("qagraph.ingest.contradictions.detect", "find_candidates", "contradiction candidates"),
    ("qagraph.ingest.pipeline", "_write", "store write"),
)
#: Printed in this order.
STAGE_ORDER = (
    "read/split",
    "concepts",
    "related",
    "graph links",
    "same-question pairs",
    "embedding/index",
    "contradiction candidates",
    "contradictions",
    "store write",
)
#: How each stage's cost grows with the number of questions N (after this change).
COMPLEXITY = {
    "read/split": "O(N) (per file)",
    "concepts": "O(N) texts, phrase vectors O(phrases); synonyms: FAISS k-NN",
    "related": "O(N c^2) co-occurrence; names: FAISS k-NN O(C k)",
    "graph links": "O(N) topics + N question vectors",
    "same-question pairs": "FAISS k-NN O(N k) (flat <= 20k rows, HNSW above) + near-repeat "
    "blocks O(b^2)",
    "embedding/index": "O(N) units; flat index O(N d)",
    "contradiction candidates": "FAISS k-NN of questions and projected TF-IDF, O(N k) pairs",
    "contradictions": "candidates x claims, misfit by FAISS k-NN; candidates "
    "<= N * max_per_node + same-question pairs",
    "store write": "O(N + edges)",
}


@contextlib.contextmanager
def timed_pipeline(clock: StageClock, keep: list[str] | None = None) -> Iterator[None]:
    """Wrap the pipeline's stages (and the encoder it loads) with `clock`; the texts the
    model embeds are appended to `keep` when given."""
    import importlib
    from unittest import mock

    from qagraph.ingest import pipeline

    def load(config, *args, **kwargs):
        return TimedEncoder(real_load(config, *args, **kwargs), clock, keep)

    real_load = pipeline.load_encoder
    with contextlib.ExitStack() as stack:
        for module_name, attr, stage in _STAGES:
            module = importlib.import_module(module_name)
            stack.enter_context(
                mock.patch.object(module, attr, clock.wrap(stage, getattr(module, attr)))
            )
        stack.enter_context(mock.patch.object(pipeline, "load_encoder", load))
        yield


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_scale(
    n: int,
    *,
    model: str | None = None,
    n_queries: int = 100,
    workdir: Path | None = None,
    seeds: Sequence[SeedNode] | None = None,
    bare_encode: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Build an N-question corpus, ingest it cold with every stage timed, then time queries.

    Args:
        n: Number of questions.
        model: Encoder model name (default: the packaged MiniLM).
        n_queries: Questions asked of the store for latency (the packaged eval queries).
        workdir: Where the corpus and the store go (default: a temporary folder, removed).
        seeds: Nodes to build the corpus from (default: bundled and evaluation corpora).
        bare_encode: Also time a bare sentence-transformers encode of the embedded texts.
        progress: Say on stderr what is being done.

    Returns:
        A JSON-serialisable report; `format_scale` renders it.
    """
    from qagraph.encoders import EncoderConfig, load_encoder
    from qagraph.eval.bench import _latency_ms, _load, _peak_rss_mb, bench_queries
    from qagraph.ingest.pipeline import IngestConfig, ingest
    from qagraph.retrieval.searcher import Retriever

    config = EncoderConfig(model=model) if model else EncoderConfig()
    report: dict[str, Any] = {"model": config.model, "questions": n, "load": _load()}

    def say(message: str) -> None:
        if progress:
            print(f"qagraph: bench: {message}", file=sys.stderr, flush=True)

    start = time.perf_counter()
    encoder = load_encoder(config)  # loaded (and memoised) before the clock starts
    report["model_load_s"] = time.perf_counter() - start
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qagraph-")))
        say(f"writing {n} questions into {workdir / 'corpus'}")
        corpus = make_corpus(n, workdir / "corpus", seeds)
        report["corpus"] = {
            "files": corpus.files,
            "seeds": corpus.seeds,
            "mb": round(corpus.bytes / 1e6, 2),
            "write_s": round(corpus.seconds, 2),
        }
        store = workdir / "store"
        clock = StageClock()
        clock.log = say if progress else None
        ingest_config = IngestConfig(encoder=config, progress=False)
        kept: list[str] | None = [] if bare_encode else None
        say("ingesting (cold)")
        start = time.perf_counter()
        with timed_pipeline(clock, kept):
            result = ingest([corpus.folder], store=store, config=ingest_config)
        total = time.perf_counter() - start
        report["ingest_s"] = total
        report["nodes"] = result.nodes
        report["embedded"] = result.embedded.misses if result.embedded else None
        report["stages"] = {
            name: {
                "s": round(clock.seconds.get(name, 0.0), 3),
                "encode_s": round(clock.encode_s.get(name, 0.0), 3),
                "texts": clock.texts.get(name, 0),
                "peak_mb": round(clock.peak_mb[name], 1) if name in clock.peak_mb else None,
                "items": clock.sizes.get(name),
                "complexity": COMPLEXITY[name],
            }
            for name in STAGE_ORDER
        }
        report["stages"]["other"] = {
            "s": round(total - sum(clock.seconds.values()), 3),
            "encode_s": 0.0,
            "texts": 0,
            "peak_mb": None,
            "items": None,
            "complexity": "file walk, glossary, manifest",
        }
        model_s = sum(clock.encode_s.values())
        texts = sum(clock.texts.values())
        report["embedding"] = {
            "texts": texts,
            "model_s": round(model_s, 3),
            "texts_per_s": round(texts / model_s, 1) if model_s else None,
        }
        if kept is not None:
            say(f"bare encode of {len(kept)} texts")
            report["bare_encode"] = bare_encode_rate(kept, model)
        report["store_mb"] = round(_folder_bytes(store) / 1e6, 2)
        report.update(_graph_counts(store))
        say("asking")
        start = time.perf_counter()
        retriever = Retriever.open(store, encoder=encoder)
        report["retriever_open_s"] = time.perf_counter() - start
        queries = bench_queries(n_queries)
        start = time.perf_counter()
        retriever.ask(queries[0])  # one-time costs (abstention calibration, where there is one)
        report["first_ask_s"] = time.perf_counter() - start
        report["queries"] = len(queries)
        report["ask_ms"] = _latency_ms(lambda q: retriever.ask(q), queries, retriever)
    report["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    report["load_after"] = _load()
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in report.items()}


def _graph_counts(store: Path) -> dict[str, Any]:
    from qagraph.kb import Store

    with Store(store).open() as kb:
        graph = kb.manifest.get("graph") or {}
    edges = graph.get("edges", {})
    return {
        "concepts": graph.get("concepts"),
        "edges": edges,
        "same_question_groups": graph.get("same_question_groups"),
    }


def bare_encode_rate(
    texts: Sequence[str], model: str | None = None, *, sample: int = 1000, repeats: int = 3
) -> dict[str, Any]:
    """Texts per second of qagraph's encoder against a bare sentence-transformers `encode`.

    Both embed the same `sample` texts (evenly spread over `texts`, in their order), by
    turns, `repeats` times each, so that other work on the machine weighs on both alike;
    the medians are reported. The bare call is the library's own (batch 32, normalised),
    without qagraph's checks (a tokenizer pass to warn about long texts) or cache.
    """
    import statistics

    from qagraph.encoders import EncoderConfig, load_encoder

    config = EncoderConfig(model=model) if model else EncoderConfig()
    encoder = load_encoder(config)
    inner = getattr(encoder, "model", None) or getattr(encoder, "_model", None)
    if inner is None or not hasattr(inner, "encode"):
        return {"texts": 0, "texts_per_s": None, "note": "no sentence-transformers model"}
    step = max(1, len(texts) // max(1, sample))
    chosen = list(texts)[::step][:sample]
    if not chosen:
        return {"texts": 0, "texts_per_s": None, "note": "nothing to embed"}
    ours, bare = [], []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        encoder.encode(chosen, batch_size=config.batch_size)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        inner.encode(chosen, batch_size=config.batch_size, normalize_embeddings=True)
        bare.append(time.perf_counter() - start)
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    return {
        "texts": len(chosen),
        "repeats": len(ours),
        "s": round(bare_s, 3),
        "texts_per_s": round(len(chosen) / bare_s, 1),
        "qagraph_s": round(ours_s, 3),
        "qagraph_texts_per_s": round(len(chosen) / ours_s, 1),
    }


def format_scale(report: dict[str, Any]) -> str:
    """The scale report as text tables."""
    corpus = report["corpus"]
    head = [
        ("model", str(report["model"])),
        ("load average (1, 5, 15 min)", f"{_fmt_load(report.get('load'))} before, "
         f"{_fmt_load(report.get('load_after'))} after"),
        ("questions asked for / nodes stored", f"{report['questions']} / {report['nodes']}"),
        (
            "corpus",
            f"{corpus['files']} markdown files, {corpus['mb']} MB, from {corpus['seeds']} "
            f"real nodes (written in {corpus['write_s']} s)",
        ),
        ("cold ingest", f"{report['ingest_s']:.2f} s ({report['embedded']} texts embedded)"),
        ("store size", f"{report['store_mb']} MB"),
        ("concepts / same-question groups", f"{report['concepts']} / "
         f"{report['same_question_groups']}"),
        ("edges", ", ".join(f"{k} {v}" for k, v in sorted(report["edges"].items()))),
        ("retriever open / first ask", f"{report['retriever_open_s']:.2f} s / "
         f"{report['first_ask_s']:.2f} s"),
        (f"ask, {report['queries']} q", f"p50 {report['ask_ms']['p50']} ms, "
         f"p95 {report['ask_ms']['p95']} ms"),
        ("peak RSS (process)", f"{report['peak_rss_mb']} MB"),
    ]  # fmt: skip
    emb = report["embedding"]
    if emb["texts_per_s"] is not None:
        head.append(
            ("model encode", f"{emb['texts']} texts in {emb['model_s']} s = "
             f"{emb['texts_per_s']} texts/s")
        )  # fmt: skip
    if "bare_encode" in report and report["bare_encode"].get("texts_per_s"):
        bare = report["bare_encode"]
        head.append(
            (f"same {bare['texts']} texts, by turns", f"qagraph encoder "
             f"{bare['qagraph_texts_per_s']} texts/s, bare sentence-transformers "
             f"{bare['texts_per_s']} texts/s (medians of {bare['repeats']})")
        )  # fmt: skip
    if "thread_mode" in report:
        head.insert(2, ("thread pools", report["thread_mode"]))
    width = max(len(a) for a, _ in head)
    lines = [f"{a:<{width}}  {b}" for a, b in head]
    lines += ["", _stage_table(report["stages"])]
    lines.append(
        "output: related and same-question edges, contradiction candidate "
        "pairs, contradictions found"
    )
    return "\n".join(lines)


def _fmt_load(load: Sequence[float] | None) -> str:
    return "n/a" if not load else " ".join(f"{x:.2f}" for x in load)


def _stage_table(stages: dict[str, dict[str, Any]]) -> str:
    rows = [("stage", "s", "of which model", "texts", "peak MB", "output", "grows as")]
    for name, s in stages.items():
        peak = "" if s["peak_mb"] is None else f"{s['peak_mb']:.0f}"
        model = f"{s['encode_s']:.2f}" if s["texts"] else ""
        texts = str(s["texts"]) if s["texts"] else ""
        items = "" if s.get("items") is None else str(s["items"])
        rows.append((name, f"{s['s']:.2f}", model, texts, peak, items, s["complexity"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            row[i].ljust(widths[i]) if i in (0, 6) else row[i].rjust(widths[i])
            for i in range(len(row))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def hwm_supported() -> bool:
    """True when per-stage peak memory can be measured (Linux)."""
    return sys.platform.startswith("linux") and _read_hwm_kb() is not None
