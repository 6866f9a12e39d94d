"""The ingest pipeline: files and folders in, a store out.

Every file is read and split on its own, so one bad file never stops the others; each
gets a report line. The store is written in one generation, so an interrupted ingest
leaves the previous store as it was.

Each generation records how it was built (model, glossary files with a copy of their
content, concept and link settings; `BuildConfig` in the manifest), and
`resolve_build_config` builds the settings of the next ingest into that store from that
record, so a re-ingest, `--add` or upload builds the store the same way unless a setting
is given again explicitly.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from tqdm.auto import tqdm

from qagraph.encoders import DEFAULT_MODEL, DEFAULT_MODEL_SHA256, EncoderConfig, load_encoder
from qagraph.encoders.cache import CACHE_FILE, CachedEncoder
from qagraph.errors import QagraphError
from qagraph.index.dense import IndexConfig, build_retrieval_index
from qagraph.ingest.concepts import ConceptConfig, GlossaryError, load_glossary
from qagraph.ingest.contradictions import (
    ContradictionConfig,
    contradiction_edges,
    detect_contradictions,
)
from qagraph.ingest.graph import GraphConfig, build_graph
from qagraph.ingest.links import LinkConfig
from qagraph.ingest.readers import MB, iter_input_files, printable_name, read_document
from qagraph.ingest.related import RelatedConfig
from qagraph.ingest.split import SplitterConfig, split_document
from qagraph.ingest.web import FetchConfig, WebPage, fetch_pages, kept_page, split_urls
from qagraph.kb import Store, StoreError
from qagraph.kb.manifest import CACHE_DIR, BuildConfig, GlossaryRecord
from qagraph.kb.records import Edge, QANode, SourceDoc

logger = logging.getLogger(__name__)

#: Bump when the splitter's output changes, so stores built by an older one are re-split.
SPLITTER_VERSION = 1
#: ConceptConfig fields the build record keeps as glossary files rather than as settings.
_GLOSSARY_FIELDS = frozenset({"glossary_paths", "builtin_glossary", "glossary_texts"})

_Settings = TypeVar("_Settings", ConceptConfig, LinkConfig, RelatedConfig)

#: Largest document read, in megabytes (1 MB = 1,000,000 bytes): `IngestConfig.max_file_mb`.
DEFAULT_MAX_FILE_MB = 10.0
#: Longest answer stored, in characters: `IngestConfig.max_answer_chars`.
DEFAULT_MAX_ANSWER_CHARS = 20_000
#: The smallest `max_answer_chars` accepted: below it a cut answer would be mostly the note.
MIN_ANSWER_CHARS = 200
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


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
        fetch: Limits of fetching web pages given by URL (timeouts, size, redirects).
        max_file_mb: Largest document read, in megabytes (1 MB = 1,000,000 bytes); a
            larger file is skipped with a one-line report. None: no limit.
        max_answer_chars: Longest answer stored, in characters. A longer one is cut at a
            line break at or before this length, ends with a note saying so and where the
            full answer is, and the source gets a warning; the node still cites the whole
            answer's lines. None: never cut.

    Raises:
        ValueError: A limit outside its allowed values (the message names them).
    """

    splitter: SplitterConfig = field(default_factory=SplitterConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    contradictions: ContradictionConfig = field(default_factory=ContradictionConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    progress: bool = True
    fetch: FetchConfig = field(default_factory=FetchConfig)
    max_file_mb: float | None = DEFAULT_MAX_FILE_MB
    max_answer_chars: int | None = DEFAULT_MAX_ANSWER_CHARS

    def __post_init__(self) -> None:
        mb = self.max_file_mb
        if mb is not None and (
            isinstance(mb, bool)
            or not isinstance(mb, (int, float))
            or not math.isfinite(mb)
            or mb * MB < 1
        ):
            raise ValueError(
                f"max_file_mb must be a number of megabytes above 0 (default "
                f"{DEFAULT_MAX_FILE_MB:g}), or None for no limit; not {mb!r}"
            )
        chars = self.max_answer_chars
        if chars is not None and (
            isinstance(chars, bool) or not isinstance(chars, int) or chars < MIN_ANSWER_CHARS
        ):
            raise ValueError(
                f"max_answer_chars must be a whole number of characters, at least "
                f"{MIN_ANSWER_CHARS} (default {DEFAULT_MAX_ANSWER_CHARS}), or None for no "
                f"limit; not {chars!r}"
            )

    @property
    def max_file_bytes(self) -> int | None:
        """`max_file_mb` in bytes, or None for no limit."""
        return None if self.max_file_mb is None else int(self.max_file_mb * MB)


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
    """The outcome of one ingest run (`notes`: for the user, e.g. a web page reused from
    the store's copy)."""

    reports: list[FileReport]
    problems: list[str]
    store: Path
    nodes: int
    embedded: EmbedStats | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when at least one file gave at least one node."""
        return self.nodes > 0


class _Parsed(NamedTuple):
    source: SourceDoc
    nodes: list[QANode]
    page: WebPage | None = None  # a web page, kept in the store as fetched


def ingest(
    paths: Sequence[str | Path] | None = None,
    *,
    store: str | Path,
    config: IngestConfig | None = None,
    add: bool = False,
    refresh: bool = False,
) -> IngestResult:
    """Read, split and store documents.

    Args:
        paths: Files or folders (recursive), and web pages by URL (http:// or https://,
            cited by their URL); None or empty means the bundled corpus.
        store: The store folder to write.
        config: Pipeline settings, recorded in the store's manifest; None reuses the ones
            the store was built with (see `resolve_build_config`), else the defaults.
        add: Keep the sources already in the store that this run does not replace.
        refresh: Fetch every URL again, even one the store keeps a copy of (by default
            that copy is read again, so the page's nodes stay as they were).

    Returns:
        Per-file reports, path-level problems and the number of nodes stored. Nothing is
        written when no file gave a node.

    Raises:
        GlossaryError: A glossary file is missing or malformed (before any file is read).
    """
    target = Store(store)
    target.check_path()  # first: not after every file has been read and split
    if config is None:
        config, notes = resolve_build_config(target.path)
        for note in notes:
            logger.info("%s", note)
    # Before reading any document: a bad glossary fails now, not after every file is split.
    config, glossaries = _read_glossaries(config)
    urls, local = split_urls(list(paths or ()))
    files, problems = iter_input_files(local or ([] if urls else [bundled_corpus()]))
    reports: list[FileReport] = []
    parsed: list[_Parsed] = []
    bar = tqdm(files, desc="ingest", unit="file", disable=not config.progress, leave=False)
    for path, name in bar:
        report, result = _ingest_file(path, name, config)
        reports.append(report)
        if result is not None:
            parsed.append(result)
    pages, failed, fetch_notes = fetch_pages(urls, target, config.fetch, refresh=refresh)
    reports += [FileReport(url, 0, 0, (), reason) for url, reason in failed]
    for page in pages:
        report, result = _ingest_page(page, config)
        reports.append(report)
        if result is not None:
            parsed.append(result)
    total = sum(len(p.nodes) for p in parsed)
    if total == 0:
        return IngestResult(reports, problems, target.path, 0, notes=tuple(fetch_notes))
    if add and target.exists:
        parsed = _merge_previous(target, parsed)
        total = sum(len(p.nodes) for p in parsed)
    embedded = _write(target, parsed, config, glossaries)
    return IngestResult(reports, problems, target.path, total, embedded, tuple(fetch_notes))


def _ingest_page(page: WebPage, config: IngestConfig) -> tuple[FileReport, _Parsed | None]:
    """A web page, read from a staged copy and cited by its URL."""
    with page.staged() as path:
        report, result = _ingest_file(path, page.url, config)
    if result is None:
        return report, None
    source = dataclasses.replace(result.source, path=page.url)
    return report, _Parsed(source, result.nodes, page)


def _ingest_file(path: Path, name: str, config: IngestConfig) -> tuple[FileReport, _Parsed | None]:
    try:
        doc = read_document(path, name=name, max_bytes=config.max_file_bytes)
    except QagraphError as exc:
        return FileReport(name, 0, 0, (), _strip_name(str(exc), name)), None
    nodes = split_document(doc, config.splitter)
    if not nodes:
        return FileReport(name, 0, 0, doc.warnings, "no questions found"), None
    warnings = list(doc.warnings)
    if config.max_answer_chars is not None:
        nodes = [_cap_answer(n, config.max_answer_chars, warnings) for n in nodes]
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


def _cap_answer(node: QANode, limit: int, warnings: list[str]) -> QANode:
    """`node` with its answer cut to at most `limit` characters plus a note, if longer.

    The cut falls on the last line break at or before `limit` (mid-line only when the
    answer's first half holds none), and a code fence left open is closed so the note is
    not shown as code. `line_start` and `line_end` are kept: the citation still covers
    the whole answer in the source, and the note says where it is.
    """
    length = len(node.answer)
    if length <= limit:
        return node
    head = node.answer[:limit]
    if (newline := head.rfind("\n")) >= limit // 2:
        head = head[:newline]
    head = head.rstrip()
    kept = len(head)
    fence = _open_fence(head)
    if fence:
        head += "\n" + fence
    lines = f"lines {node.line_start}-{node.line_end}"
    head += (
        f"\n\n*[Answer cut: it has {length:,} characters, of which the first {kept:,} "
        f"are kept here. The full answer is in {node.source}, {lines}.]*"
    )
    question = node.question if len(node.question) <= 60 else node.question[:57] + "..."
    warnings.append(
        f"{node.source}: the answer to {question!r} ({lines}) has {length:,} characters; "
        f"only the first {kept:,} are stored (limit: max_answer_chars = {limit:,})"
    )
    logger.info("%s: answer at %s cut from %d to %d characters", node.source, lines, length, limit)
    return dataclasses.replace(node, answer=head)


def _open_fence(text: str) -> str | None:
    """The fence (```` ``` ```` or `~~~`) of a code block `text` leaves open, or None."""
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker = match.group(1)
        if fence is None:
            fence = marker
        elif (
            marker[0] == fence[0] and len(marker) >= len(fence) and not line[match.end() :].strip()
        ):
            fence = None
    return fence


def _strip_name(message: str, name: str) -> str:
    prefix = f"{name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _merge_previous(target: Store, parsed: list[_Parsed]) -> list[_Parsed]:
    replaced = {p.source.name for p in parsed}
    with target.open() as kb:
        kept = [
            _Parsed(src, kb.nodes(source=src.name), kept_page(kb, src.name))
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


def _write(
    target: Store, parsed: list[_Parsed], config: IngestConfig, glossaries: list[GlossaryRecord]
) -> EmbedStats:
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
            for p in parsed:
                if p.page is not None:
                    p.page.store_in(writer)
            writer.add_nodes(nodes)
            writer.add_concepts(graph.concepts)
            edges = _edges(parsed) + graph.edges
            writer.add_edges(edges)
            writer.set_meta("splitter_version", SPLITTER_VERSION)
            writer.set_meta("model", _model_meta(config.encoder))
            writer.set_build_config(build_config_of(config, glossaries))
            writer.set_meta("graph", graph.stats)
            build_retrieval_index(writer, nodes, encoder, config.index, progress=config.progress)
            # Last: it reads the edges of the steps before it (same_question, mentions).
            if config.contradictions.enabled:
                found = detect_contradictions(graph, edges, encoder, config.contradictions)
                writer.add_edges(contradiction_edges(found))
    finally:
        encoder.close()
    logger.info("wrote %s (%d embedded, %d cached)", target.path, encoder.misses, encoder.hits)
    return EmbedStats(encoder.hits, encoder.misses)


# --- build settings: recorded in each generation, reused by the next ingest ------------------


def build_config_of(config: IngestConfig, glossaries: Sequence[GlossaryRecord] = ()) -> BuildConfig:
    """The build record of `config`; `glossaries` are its glossary files as read."""
    concepts = config.graph.concepts
    return BuildConfig(
        model=config.encoder.model,
        glossaries=tuple(glossaries),
        builtin_glossary=concepts.builtin_glossary,
        concepts=_settings_of(concepts, skip=_GLOSSARY_FIELDS),
        links=_settings_of(config.graph.links),
        related=_settings_of(config.graph.related),
    )


def apply_build_config(build: BuildConfig, config: IngestConfig) -> IngestConfig:
    """`config` with the model, glossaries and concept and link settings of `build`.

    The glossaries come with their stored content; settings `build` does not name (a store
    from an older qagraph) keep the values of `config`.
    """
    encoder = config.encoder
    if build.model:
        encoder = dataclasses.replace(encoder, model=build.model)
    concepts = _with_settings(config.graph.concepts, build.concepts, skip=_GLOSSARY_FIELDS)
    concepts = dataclasses.replace(
        concepts,
        glossary_paths=tuple(g.path for g in build.glossaries),
        builtin_glossary=build.builtin_glossary,
        glossary_texts=tuple((g.path, g.content) for g in build.glossaries),
    )
    graph = GraphConfig(
        concepts=concepts,
        links=_with_settings(config.graph.links, build.links),
        related=_with_settings(config.graph.related, build.related),
    )
    return dataclasses.replace(config, encoder=encoder, graph=graph)


def resolve_build_config(
    store: str | Path,
    base: IngestConfig | None = None,
    *,
    model: str | None = None,
    glossary_paths: Sequence[str | Path] | None = None,
    builtin_glossary: bool | None = None,
    reuse: bool = True,
) -> tuple[IngestConfig, list[str]]:
    """The settings of the next ingest into `store`: the ones it was built with.

    A glossary file recorded in the store that changed since is used with its new content;
    one that is gone (or unreadable) is used from the copy the store keeps. Either way a
    note says so.

    Args:
        store: The store folder (it may not exist yet).
        base: Settings where the store records none (a new store, or one from before build
            settings were recorded, which records only its model); also the non-build
            settings (progress, splitter, index, contradictions). Default `IngestConfig()`.
        model: An embedding model given explicitly; it replaces the store's.
        glossary_paths: Glossary files given explicitly; they replace the store's.
        builtin_glossary: Whether to use the built-in glossary, when given explicitly.
        reuse: False ignores the store's record: `base` plus the explicit settings.

    Returns:
        The settings, with the text of every glossary file read, and notes for the user
        (no "qagraph:" prefix): first, when the store's settings differ from `base`, one
        line naming what is reused; then one line per recorded glossary file that changed
        or is gone.

    Raises:
        GlossaryError: A glossary file is missing, unreadable or malformed.
    """
    base = base or IngestConfig()
    build = _recorded_build(Store(store)) if reuse else None
    config, notes = base, []
    if build is not None and build.recorded:
        config = apply_build_config(build, base)
        if glossary_paths is None:
            texts, notes = _refresh_glossaries(build.glossaries)
            concepts = dataclasses.replace(config.graph.concepts, glossary_texts=texts)
            config = dataclasses.replace(
                config, graph=dataclasses.replace(config.graph, concepts=concepts)
            )
    elif build is not None and build.model:
        encoder = dataclasses.replace(base.encoder, model=build.model)
        config = dataclasses.replace(base, encoder=encoder)
    if build is not None:
        line = _reuse_line(
            config,
            base,
            build,
            model=model is None,
            glossaries=glossary_paths is None,
            builtin=builtin_glossary is None,
        )
        notes = ([line] if line else []) + notes
    concepts = config.graph.concepts
    if glossary_paths is not None:
        paths = tuple(str(_absolute(p)) for p in glossary_paths)
        concepts = dataclasses.replace(concepts, glossary_paths=paths, glossary_texts=())
    if builtin_glossary is not None:
        concepts = dataclasses.replace(concepts, builtin_glossary=builtin_glossary)
    encoder = dataclasses.replace(config.encoder, model=model) if model else config.encoder
    graph = dataclasses.replace(config.graph, concepts=concepts)
    # Read and checked now, before any note is shown: a bad file is the one line printed.
    config, _ = _read_glossaries(dataclasses.replace(config, encoder=encoder, graph=graph))
    return config, notes


def _recorded_build(store: Store) -> BuildConfig | None:
    if not store.exists:
        return None
    try:
        return store.build_config()
    except StoreError as exc:
        # A full re-ingest replaces a damaged store; --add fails later with the real error.
        logger.warning("cannot read the build settings of %s: %s", store.path, exc)
        return None


def _refresh_glossaries(
    records: Sequence[GlossaryRecord],
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The text to use for each recorded glossary file, and a note per file not as recorded."""
    texts, notes = [], []
    for record in records:
        try:
            data = Path(record.path).read_bytes()
        except OSError as exc:
            why = "is gone" if isinstance(exc, FileNotFoundError) else "cannot be read"
            notes.append(
                f"glossary {record.name} {why} ({record.path}); using the copy kept in the store"
            )
            texts.append((record.path, record.content))
            continue
        if hashlib.sha256(data).hexdigest() == record.sha256:
            texts.append((record.path, record.content))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GlossaryError(f"cannot read glossary file {record.path}: {exc}") from exc
        notes.append(
            f"glossary {record.name} changed since the store was built; using its new "
            f"content ({record.path})"
        )
        texts.append((record.path, text))
    return tuple(texts), notes


def _reuse_line(
    config: IngestConfig,
    base: IngestConfig,
    build: BuildConfig,
    *,
    model: bool,
    glossaries: bool,
    builtin: bool,
) -> str | None:
    """One line naming the store's settings reused, or None when they are the defaults."""
    concepts, defaults = config.graph.concepts, base.graph.concepts
    parts: list[str] = []
    if glossaries and build.glossaries:
        names = ", ".join(g.name for g in build.glossaries)
        n = len(build.glossaries)
        parts.append(f"{'glossary' if n == 1 else 'glossaries'} {names} ({n} file{'s' * (n > 1)})")
    settings_differ = (
        _settings_of(concepts, skip=_GLOSSARY_FIELDS)
        != _settings_of(defaults, skip=_GLOSSARY_FIELDS)
        or config.graph.links != base.graph.links
        or config.graph.related != base.graph.related
    )
    if settings_differ:
        parts.append("concept and link settings")
    no_builtin = builtin and not concepts.builtin_glossary and defaults.builtin_glossary
    model_differs = model and config.encoder.model != base.encoder.model
    if not (parts or no_builtin or model_differs):
        return None
    if model:
        parts.append(f"model {config.encoder.model}")
    if not parts:
        return "leaving out the built-in glossary, as the store was built without it"
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"using the store's {text}" + (", without the built-in glossary" if no_builtin else "")


def _read_glossaries(config: IngestConfig) -> tuple[IngestConfig, list[GlossaryRecord]]:
    """Read the glossary files once: their text goes to concept extraction and the record.

    Raises:
        GlossaryError: A file is missing, unreadable, not UTF-8 JSON, or malformed.
    """
    concepts = config.graph.concepts
    given = dict(concepts.glossary_texts)
    records = []
    for path in concepts.glossary_paths:
        text = given.get(str(path))
        if text is None:
            text = _read_text(Path(path))
        records.append(GlossaryRecord.from_text(_absolute(path), text))
    paths = tuple(r.path for r in records)
    texts = {r.path: r.content for r in records}
    load_glossary(paths, builtin=concepts.builtin_glossary, texts=texts)  # check it all now
    concepts = dataclasses.replace(
        concepts, glossary_paths=paths, glossary_texts=tuple(texts.items())
    )
    graph = dataclasses.replace(config.graph, concepts=concepts)
    return dataclasses.replace(config, graph=graph), records


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise GlossaryError(f"glossary file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"cannot read glossary file {path}: {exc}") from exc


def _absolute(path: str | Path) -> Path:
    # absolute(), not resolve(): a glossary reached through a symlink keeps the name given.
    return Path(path).expanduser().absolute()


def _settings_of(
    settings: ConceptConfig | LinkConfig | RelatedConfig, skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    return {
        f.name: getattr(settings, f.name)
        for f in dataclasses.fields(settings)
        if f.name not in skip
    }


def _with_settings(
    settings: _Settings, stored: Mapping[str, Any], skip: frozenset[str] = frozenset()
) -> _Settings:
    names = {f.name for f in dataclasses.fields(settings)} - skip
    known = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items() if k in names}
    return dataclasses.replace(settings, **known)
