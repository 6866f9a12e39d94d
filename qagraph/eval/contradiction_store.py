"""The contradiction evaluation store: the packaged documents the labelled set names.

The shipped set names answers of the bundled corpus and of packaged evaluation documents
(`qagraph/data/eval/corpora/*`, `qagraph/data/eval/contradiction_docs/*`);
`evaluation_store` ingests them into a store of their own, rebuilt when a document, the
model or the contradiction detector changes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from qagraph.encoders import EncoderConfig
from qagraph.errors import QagraphError
from qagraph.eval.contradiction_labels import LabelledPair, LabelledSetError
from qagraph.kb import Store

logger = logging.getLogger(__name__)


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
