"""The ingest pipeline: files and folders in, a store out.

Every file is read and split on its own, so one bad file never stops the others; each
gets a report line. The store is written in one generation, so an interrupted ingest
leaves the previous store as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from tqdm.auto import tqdm

from qagraph.encoders import DEFAULT_MODEL, DEFAULT_MODEL_SHA256, EncoderConfig, load_encoder
from qagraph.encoders.cache import CACHE_FILE, CachedEncoder
from qagraph.errors import QagraphError
from qagraph.index.dense import IndexConfig, build_retrieval_index
from qagraph.ingest.contradictions import (
    ContradictionConfig,
    contradiction_edges,
    detect_contradictions,
)
from qagraph.ingest.graph import GraphConfig, build_graph
from qagraph.ingest.readers import iter_input_files, printable_name, read_document
from qagraph.ingest.split import SplitterConfig, split_document
from qagraph.kb import Store
from qagraph.kb.manifest import CACHE_DIR
from qagraph.kb.records import Edge, QANode, SourceDoc

logger = logging.getLogger(__name__)

#: Bump when the splitter's output changes, so stores built by an older one are re-split.
SPLITTER_VERSION = 1


def bundled_corpus() -> Path:
    """The folder of documents shipped with the package: the default knowledge base."""
    return Path(str(resources.files("qagraph") / "data" / "corpus"))


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """Settings of the ingest pipeline.

    Attributes:
        splitter: How documents are split into question/answer nodes.
        encoder: The embedding model the store is built for.
        index: How nodes are cut into embedding units and which vector index is built.
        contradictions: How contradictions between answers are detected.
        graph: Concepts (glossary files, thresholds) and graph links.
        progress: Show a progress bar on stderr.
    """

    splitter: SplitterConfig = field(default_factory=SplitterConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    contradictions: ContradictionConfig = field(default_factory=ContradictionConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    progress: bool = True


class FileReport(NamedTuple):
    """What happened to one input file."""

    name: str
    nodes: int
    unanswered: int
    warnings: tuple[str, ...]
    error: str | None

    def line(self) -> str:
        if self.error:
            return f"{self.name}: skipped: {self.error}"
        return (
            f"{self.name}: {self.nodes} nodes, {self.unanswered} unanswered, "
            f"{len(self.warnings)} warnings"
        )


class EmbedStats(NamedTuple):
    """Texts embedded by one ingest: `misses` went through the model, `hits` came cached."""

    hits: int
    misses: int


class IngestResult(NamedTuple):
    """The outcome of one ingest run."""

    reports: list[FileReport]
    problems: list[str]
    store: Path
    nodes: int
    embedded: EmbedStats | None = None

    @property
    def ok(self) -> bool:
        """True when at least one file gave at least one node."""
        return self.nodes > 0


class _Parsed(NamedTuple):
    source: SourceDoc
    nodes: list[QANode]


def ingest(
    paths: Sequence[str | Path] | None = None,
    *,
    store: str | Path,
    config: IngestConfig | None = None,
    add: bool = False,
) -> IngestResult:
    """Read, split and store documents.

    Args:
        paths: Files or folders (recursive); None or empty means the bundled corpus.
        store: The store folder to write.
        config: Pipeline settings.
        add: Keep the sources already in the store that this run does not replace.

    Returns:
        Per-file reports, path-level problems and the number of nodes stored. Nothing is
        written when no file gave a node.
    """
    config = config or IngestConfig()
    target = Store(store)
    target.check_path()  # first: not after every file has been read and split
    files, problems = iter_input_files(list(paths) if paths else [bundled_corpus()])
    reports: list[FileReport] = []
    parsed: list[_Parsed] = []
    bar = tqdm(files, desc="ingest", unit="file", disable=not config.progress, leave=False)
    for path, name in bar:
        report, result = _ingest_file(path, name, config)
        reports.append(report)
        if result is not None:
            parsed.append(result)
    total = sum(len(p.nodes) for p in parsed)
    if total == 0:
        return IngestResult(reports, problems, target.path, 0)
    if add and target.exists:
        parsed = _merge_previous(target, parsed)
        total = sum(len(p.nodes) for p in parsed)
    embedded = _write(target, parsed, config)
    return IngestResult(reports, problems, target.path, total, embedded)


def _ingest_file(path: Path, name: str, config: IngestConfig) -> tuple[FileReport, _Parsed | None]:
    try:
        doc = read_document(path, name=name)
    except QagraphError as exc:
        return FileReport(name, 0, 0, (), _strip_name(str(exc), name)), None
    nodes = split_document(doc, config.splitter)
    if not nodes:
        return FileReport(name, 0, 0, doc.warnings, "no questions found"), None
    warnings = list(doc.warnings)
    unanswered = sum(not n.answered for n in nodes)
    source = SourceDoc(
        name=doc.name,
        path=printable_name(Path(doc.path).resolve()),
        sha256=doc.sha256,
        n_lines=doc.n_lines,
        encoding=doc.encoding,
        warnings=tuple(warnings),
    )
    return FileReport(name, len(nodes), unanswered, tuple(warnings), None), _Parsed(source, nodes)


def _strip_name(message: str, name: str) -> str:
    prefix = f"{name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _merge_previous(target: Store, parsed: list[_Parsed]) -> list[_Parsed]:
    replaced = {p.source.name for p in parsed}
    with target.open() as kb:
        kept = [
            _Parsed(src, kb.nodes(source=src.name))
            for src in kb.sources()
            if src.name not in replaced
        ]
    return kept + parsed


def _edges(parsed: Iterable[_Parsed]) -> list[Edge]:
    return [Edge(n.id, f"source:{p.source.name}", "from") for p in parsed for n in p.nodes]


def _model_meta(config: EncoderConfig) -> dict[str, str | None]:
    sha = config.expected_sha256
    if sha is None and config.model == DEFAULT_MODEL:
        sha = DEFAULT_MODEL_SHA256
    return {"name": config.model, "sha256": sha}


def _write(target: Store, parsed: list[_Parsed], config: IngestConfig) -> EmbedStats:
    # Loaded before the generation is opened: a missing model then leaves no partial files.
    encoder = CachedEncoder(load_encoder(config.encoder), target.path / CACHE_DIR / CACHE_FILE)
    try:
        # Concepts first: they fill each node's `concepts` and give the graph edges.
        graph = build_graph(
            [n for p in parsed for n in p.nodes], encoder=encoder, config=config.graph
        )
        nodes = graph.nodes
        with target.writer() as writer:
            writer.add_sources(p.source for p in parsed)
            writer.add_nodes(nodes)
            writer.add_concepts(graph.concepts)
            edges = _edges(parsed) + graph.edges
            writer.add_edges(edges)
            writer.set_meta("splitter_version", SPLITTER_VERSION)
            writer.set_meta("model", _model_meta(config.encoder))
            writer.set_meta("graph", graph.stats)
            build_retrieval_index(writer, nodes, encoder, config.index, progress=config.progress)
            # Last: it reads the edges of the steps before it (same_question, mentions).
            if config.contradictions.enabled:
                found = detect_contradictions(nodes, edges, encoder, config.contradictions)
                writer.add_edges(contradiction_edges(found))
    finally:
        encoder.close()
    logger.info("wrote %s (%d embedded, %d cached)", target.path, encoder.misses, encoder.hits)
    return EmbedStats(encoder.hits, encoder.misses)
