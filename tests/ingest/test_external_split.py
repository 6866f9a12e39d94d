"""Split accuracy on real public Q&A documents (markdown, HTML, reStructuredText).

The documents live outside the repository, in ../shared/external (each folder has a
SOURCE.txt describing its structure); the module is skipped when that folder is absent.
Gold questions come from document-specific extractors in `external_gold`, which read the
files' own markup and never call the product. Per document the splitter must reach:

- question recall >= 0.95 (gold questions matched one to one by a node),
- answer recall >= 0.95 (gold answers found in the matched, answered node),
- extra nodes <= 0.10 of the gold questions (nodes matching no gold question).

`python -m tests.ingest.external_gold -v` prints the same numbers as a table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXTERNAL = Path(__file__).resolve().parents[3] / "shared" / "external"
if not EXTERNAL.is_dir():
    pytest.skip(f"no external documents at {EXTERNAL}", allow_module_level=True)

import external_gold as eg  # noqa: E402  (tests/ingest is on sys.path under pytest)

from qagraph.ingest.readers import ReadError  # noqa: E402


def _doc_id(doc: eg.GoldDoc) -> str:
    return doc.key


@pytest.mark.parametrize("doc", eg.DOCS, ids=_doc_id)
def test_gold_extractor_counts(doc: eg.GoldDoc) -> None:
    """The extractors find the number of questions SOURCE.txt (and a reading) gives."""
    path = EXTERNAL / doc.path
    assert path.is_file(), f"{path} is missing from {EXTERNAL}"
    gold = eg.load_gold(doc, EXTERNAL)
    assert len(gold) == doc.expected, f"{doc.key}: {len(gold)} gold questions ({doc.note})"
    assert all(g.question.strip() for g in gold)
    assert sum(g.answer is not None for g in gold) > 0


@pytest.mark.parametrize("doc", eg.DOCS, ids=_doc_id)
def test_split_accuracy(doc: eg.GoldDoc) -> None:
    """Question recall, answer recall and extra nodes of the splitter meet the targets."""
    path = EXTERNAL / doc.path
    assert path.is_file(), f"{path} is missing from {EXTERNAL}"
    gold = eg.load_gold(doc, EXTERNAL)
    try:
        nodes = eg.split_file(path)
    except ReadError as exc:  # e.g. no reader for .rst yet: a failure, not a skip
        pytest.fail(f"{doc.key}: read_document failed: {exc}")
    score = eg.score_document(gold, nodes)
    summary = (
        f"{doc.key}: {score.n_gold} gold, {score.n_nodes} nodes, "
        f"q-recall {score.question_recall:.3f} (>= {eg.QUESTION_RECALL_TARGET}), "
        f"a-recall {score.answer_recall:.3f} (>= {eg.ANSWER_RECALL_TARGET}), "
        f"extra {score.extra_share:.3f} (<= {eg.EXTRA_SHARE_TARGET})\n{score.failures()}"
    )
    assert score.question_recall >= eg.QUESTION_RECALL_TARGET, summary
    assert score.answer_recall >= eg.ANSWER_RECALL_TARGET, summary
    assert score.extra_share <= eg.EXTRA_SHARE_TARGET, summary
