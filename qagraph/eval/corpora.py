"""Evaluation corpora: a folder of documents with its graded query set, and its store.

Retrieval must hold on documents it was never tuned on, so quality is measured on several
corpora: the bundled one (`bundled`: the package's corpus and its set) and every folder
under `qagraph/data/eval/corpora/` that holds documents and a `queries.jsonl`; any other
folder laid out the same way can be named by its path. Each corpus gets its own store,
built on first use in a cache folder and rebuilt when its documents or the model change.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qagraph.encoders import EncoderConfig
from qagraph.errors import QagraphError
from qagraph.eval.dataset import default_set_path
from qagraph.index.dense import FORMAT_VERSION as INDEX_FORMAT
from qagraph.ingest.readers import SUPPORTED_SUFFIXES
from qagraph.kb import Store

logger = logging.getLogger(__name__)

BUNDLED = "bundled"
QUERIES_FILE = "queries.jsonl"


@dataclass(frozen=True, slots=True)
class Corpus:
    """A corpus to evaluate on.

    Attributes:
        name: Short name ("bundled", "golang-faq", or a folder's name).
        documents: The document files.
        queries: The graded query set.
    """

    name: str
    documents: tuple[Path, ...]
    queries: Path

    def fingerprint(self, model: str) -> str:
        """Changes when a document, the model or the dense index format changes."""
        digest = hashlib.sha256(f"{model}\0index format {INDEX_FORMAT}".encode())
        for path in self.documents:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]


def _packaged_root() -> Path:
    return Path(str(resources.files("qagraph") / "data" / "eval" / "corpora"))


def _from_folder(folder: Path, name: str | None = None) -> Corpus:
    queries = folder / QUERIES_FILE
    if not queries.is_file():
        raise QagraphError(f"{folder}: no {QUERIES_FILE} (a corpus folder holds its query set)")
    documents = tuple(
        sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and p.name != QUERIES_FILE
        )
    )
    if not documents:
        raise QagraphError(f"{folder}: no documents ({', '.join(SUPPORTED_SUFFIXES)})")
    return Corpus(name or folder.name, documents, queries)


def available() -> list[str]:
    """Names of the packaged corpora, the bundled one first."""
    root = _packaged_root()
    names = (
        sorted(p.name for p in root.iterdir() if (p / QUERIES_FILE).is_file())
        if (root.is_dir())
        else []
    )
    return [BUNDLED, *names]


def find_corpus(name: str) -> Corpus:
    """The corpus called `name` (packaged) or held in the folder `name`.

    Raises:
        QagraphError: Naming the corpora there are.
    """
    if name == BUNDLED:
        folder = Path(str(resources.files("qagraph") / "data" / "corpus"))
        return Corpus(BUNDLED, tuple(sorted(folder.glob("*.txt"))), default_set_path())
    packaged = _packaged_root() / name
    if (packaged / QUERIES_FILE).is_file():
        return _from_folder(packaged)
    folder = Path(name)
    if folder.is_dir():
        return _from_folder(folder)
    raise QagraphError(
        f"no evaluation corpus {name!r}: use one of {', '.join(available())} "
        f"or a folder holding documents and a {QUERIES_FILE}"
    )


def cache_root() -> Path:
    """Where corpus stores are kept: `$QAGRAPH_EVAL_CACHE`, else next to the user's store."""
    if env := os.environ.get("QAGRAPH_EVAL_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qagraph" / "eval"


def corpus_store(corpus: Corpus, encoder: EncoderConfig, *, root: Path | None = None) -> Path:
    """The corpus's store, built (or rebuilt) first when missing or out of date."""
    from qagraph.ingest.pipeline import IngestConfig, ingest

    path = (root or cache_root()) / f"{corpus.name}-{encoder.model.replace('/', '_')}"
    stamp_file = path.with_name(path.name + ".sha256")
    stamp = corpus.fingerprint(encoder.model)
    if Store(path).exists and stamp_file.is_file():
        if stamp_file.read_text(encoding="utf-8").strip() == stamp:
            return path
    logger.info("building the store of corpus %s in %s", corpus.name, path)
    config = IngestConfig(encoder=encoder, progress=False)
    result = ingest(list(corpus.documents), store=path, config=config)
    if not result.nodes:
        raise QagraphError(f"corpus {corpus.name}: no question/answer nodes in its documents")
    stamp_file.write_text(stamp + "\n", encoding="utf-8")
    return path
