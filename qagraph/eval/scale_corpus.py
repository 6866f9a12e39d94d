"""The scale bench's corpus: N questions made from real documents, written as markdown.

`make_corpus` replicates and perturbs the question/answer nodes of the bundled corpus and
of the evaluation corpora (`qagraph/data/eval/corpora/*`) until there are N of them, and
writes them as markdown files. Nothing is random text: every copy after the first pairs
a node with another question of its section ("What is X? And how does Y work?"), swaps a
sentence between the two answers, shifts the numbers, and from the second pass on puts a
section of another document before the question ("In Go modules: ..."), so that copies of
one question are related but not identical, as questions repeated across many articles are.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
