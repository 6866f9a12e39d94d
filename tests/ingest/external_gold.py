"""Gold questions for the public Q&A documents in ../shared/external, and split scores.

Each document gets a small extractor written for its own markup (see the SOURCE.txt next
to it), independent of the product's splitter: it lists the questions the file asks, the
line each starts on, and the first ~60 characters of its answer (None when the source
gives no real answer: an empty block, "Answer here", "To be completed.").

`score_document` matches the splitter's nodes to the gold questions one to one and gives
question recall, answer recall and the share of extra nodes. Run this module for a table
of every document (from the repository root)::

    .venv/bin/python -m tests.ingest.external_gold
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

# tests/ingest/external_gold.py -> /work/main/tests/ingest -> ... -> /work
EXTERNAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "external"

QUESTION_RECALL_TARGET = 0.95
ANSWER_RECALL_TARGET = 0.95
EXTRA_SHARE_TARGET = 0.10
MATCH_THRESHOLD = 90.0
SNIPPET_CHARS = 60


@dataclass(frozen=True, slots=True)
class GoldQuestion:
    """One question a document asks.

    Attributes:
        question: The question text with markup stripped.
        line: 1-based line of the original file where the question text starts.
        answer: The first ~60 characters of the answer, markup stripped; None when the
            source gives no answer.
    """

    question: str
    line: int
    answer: str | None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """A document under test and how to read its gold questions."""

    key: str
    path: str  # relative to EXTERNAL_DIR
    extract: Callable[[str], list[GoldQuestion]]
    expected: int  # gold questions, checked against SOURCE.txt by hand
    note: str = ""


# --------------------------------------------------------------------------- cleaning

_TAG = re.compile(r"<[^>\n]*>")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_RST_LINK = re.compile(r"`([^`<]*?)\s*<[^>`]*>`_{1,2}")
_RST_ROLE = re.compile(r":[\w+-]+:(?=`)")
_SHORTCODE = re.compile(r"(?<![\w:]):[a-z0-9_+-]+:(?![\w:])")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3}|`{1,3})")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FENCE_LINE = re.compile(r"^\s*(```|~~~).*$", re.M)
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+[\w:-]+::|^\s+:[\w-]+:")
_PLACEHOLDER = re.compile(r"^(answer here|to be completed\.?|todo|tbd|\*\*\*)$", re.I)
_LEADING_NUMBER = re.compile(
    r"^[\s#*>_+-]*(?:q(?:uestion)?\s*)?(?:\d+(?:\.\d+)*\s*[.)]|\d+\s*:|q\s*[:.)])\**\s*",
    re.I,
)
_WORD = re.compile(r"[^\W_]+")
_BARE_LINK = re.compile(r"^\s*(?:[-*+]\s+)?\[[^\]]*\]\([^)]*\)[\s.,;:]*$")


def clean_inline(text: str) -> str:
    """`text` as plain words: tags, links, roles, emphasis and emoji codes removed."""
    text = re.sub(r"^\s*#{1,6}\s+", "", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_ROLE.sub("", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _SHORTCODE.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("\\", "")
    return re.sub(r"\s+", " ", text).strip()


def normalize_text(text: str) -> str:
    """NFKC, markup stripped, case-folded, alphanumeric words joined by single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = clean_inline(text).casefold()
    return " ".join(_WORD.findall(text))


def normalize_question(text: str) -> str:
    """`normalize_text` after removing leading numbering ("1.", "12)", "Q3:", "2.1.")."""
    text = unicodedata.normalize("NFKC", text)
    text = _LEADING_NUMBER.sub("", text.strip(), count=1)
    return normalize_text(text)


def question_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two normalised questions; >= MATCH_THRESHOLD is a match.

    Either fuzz.ratio, or containment of one in the other on word boundaries when the
    contained text is not trivially short (three words, or half the other's length).
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    ratio = fuzz.ratio(a, b)
    if ratio >= MATCH_THRESHOLD:
        return ratio
    short, long = sorted((a, b), key=len)
    if f" {short} " in f" {long} " and (len(short.split()) >= 3 or len(short) >= 0.5 * len(long)):
        return MATCH_THRESHOLD
    return ratio


def answer_contains(answer: str, snippet: str) -> bool:
    """Whether the normalised `answer` holds the normalised `snippet` (partial_ratio)."""
    answer = _FENCE_LINE.sub("", answer)  # "```bash" would add a word to the answer
    a, s = normalize_text(answer), normalize_text(snippet)
    if not s:
        return True
    if len(a) < len(s):
        return fuzz.ratio(a, s) >= MATCH_THRESHOLD
    return fuzz.partial_ratio(s, a) >= MATCH_THRESHOLD


def answer_snippet(
    lines: Sequence[str], *, stop: re.Pattern[str] | None = None, chars: int = SNIPPET_CHARS
) -> str | None:
    """The first ~`chars` characters of the answer held by `lines`, or None if none.

    Code fence markers, rST directives and their options, and placeholder lines are
    skipped; content lines are cleaned and joined until `chars` is reached, then cut at a
    word boundary. Reading stops at the first line matching `stop`. An answer made only
    of bare links (a line that is just "[text](url)" or a list item of one) is no answer.
    """
    parts: list[str] = []
    size = 0
    only_links = True
    for raw in lines:
        if stop is not None and stop.search(raw):
            break
        if _FENCE.match(raw) or _RST_DIRECTIVE.match(raw):
            continue
        text = clean_inline(raw)
        if not text or _PLACEHOLDER.match(text) or not _WORD.search(text):
            continue
        only_links = only_links and bool(_BARE_LINK.match(raw))
        if size < chars:
            parts.append(text)
            size += len(text) + 1
        elif not only_links:
            break
    if not parts or only_links:
        return None
    text = " ".join(parts)
    if len(text) > chars:
        cut = text[: chars + 1]
        text = cut[: cut.rfind(" ")] if " " in cut else cut[:chars]
    return text.strip()


def _line_of(text: str, offset: int) -> int:
    """1-based line of character `offset` in `text`."""
    return text.count("\n", 0, offset) + 1


# --------------------------------------------------------------------------- extractors


def gold_30_seconds(text: str) -> list[GoldQuestion]:
    """30-seconds-of-interviews: each "### Q" heading whose "View answer" fold follows.

    Some questions show a code block between the heading and the fold; the answer is
    the fold's text before "#### Good to hear". The table of contents ("View contents"
    folds of links) is not gold. A question filed under two categories is asked (and
    answered) twice in the file, so it is gold twice.
    """
    lines = text.splitlines()
    heads = [i for i, ln in enumerate(lines) if ln.startswith("### ")] + [len(lines)]
    stop = re.compile(r"^#{4,}\s*(Good to hear|Additional Links)")
    gold: list[GoldQuestion] = []
    for i, nxt in zip(heads, heads[1:]):
        summary = next(
            (k for k in range(i + 1, nxt) if lines[k].strip() == "<summary>View answer</summary>"),
            None,
        )
        if summary is None:
            continue
        end = next(k for k in range(summary, len(lines)) if lines[k].strip() == "</details>")
        answer = answer_snippet(lines[summary + 1 : end], stop=stop)
        gold.append(GoldQuestion(clean_inline(lines[i][4:]), i + 1, answer))
    return gold


def gold_ripgrep(text: str) -> list[GoldQuestion]:
    """ripgrep FAQ: the text between <h3 name=...> and </h3>; answers run to the next h3."""
    matches = list(re.finditer(r"<h3\b[^>]*>(.*?)</h3>", text, re.S))
    gold: list[GoldQuestion] = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = text[m.end() : end].splitlines()
        start = m.start(1) + len(m.group(1)) - len(m.group(1).lstrip())
        gold.append(
            GoldQuestion(clean_inline(m.group(1)), _line_of(text, start), answer_snippet(body))
        )
    return gold


def gold_golang(text: str) -> list[GoldQuestion]:
    """Go FAQ (HTML): <h3 id=...> text with tags stripped; answers run to the next h2/h3."""
    matches = list(re.finditer(r"<h3\b[^>]*>(.*?)</h3>", text, re.S))
    gold: list[GoldQuestion] = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        body = text[m.end() : end]
        if (h2 := re.search(r"<h2\b", body)) is not None:
            body = body[: h2.start()]
        start = m.start(1) + len(m.group(1)) - len(m.group(1).lstrip())
        gold.append(
            GoldQuestion(
                clean_inline(m.group(1)), _line_of(text, start), answer_snippet(body.splitlines())
            )
        )
    return gold


def _rst_title(lines: Sequence[str], i: int) -> str | None:
    """The underline character if lines[i] is a section title (text over -, = or #)."""
    if i + 1 >= len(lines) or not lines[i].strip() or lines[i].startswith(" "):
        return None
    under = lines[i + 1].rstrip()
    if re.fullmatch(r"([-=#~^*])\1{2,}", under) and len(under) >= len(lines[i].rstrip()):
        return under[0]
    return None


def gold_lightgbm(text: str) -> list[GoldQuestion]:
    """LightGBM FAQ (rST): the numbered titles underlined with '-'; keeps the "N." prefix.

    An answer runs to the next section title or transition ("------" after a blank line).
    """
    lines = text.splitlines()
    gold: list[GoldQuestion] = []
    for i in range(len(lines)):
        if _rst_title(lines, i) != "-":
            continue
        end = i + 2
        while end < len(lines):
            if _rst_title(lines, end) is not None:
                break
            if re.fullmatch(r"-{4,}", lines[end].strip()) and not lines[end - 1].strip():
                break
            end += 1
        gold.append(GoldQuestion(clean_inline(lines[i]), i + 1, answer_snippet(lines[i + 2 : end])))
    return gold


_BOLD_QUESTION = re.compile(r"^\*\*([^*].*)\*\*\s*$")


def gold_bold_paragraphs(text: str) -> list[GoldQuestion]:
    """data-science-interviews theory/probability: each paragraph wholly in bold.

    Answers run to the next bold question or heading; "Answer here" is no answer.
    """
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if _BOLD_QUESTION.match(ln)]
    gold: list[GoldQuestion] = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        body = lines[i + 1 : end]
        heading = next((j for j, ln in enumerate(body) if re.match(r"#{1,6} ", ln)), len(body))
        question = clean_inline(_BOLD_QUESTION.match(lines[i]).group(1))
        gold.append(GoldQuestion(question, i + 1, answer_snippet(body[:heading])))
    return gold


_NUMBERED_BOLD = re.compile(r"^\*\*(\d+)\)")


def gold_technical(text: str) -> list[GoldQuestion]:
    """data-science-interviews technical: the "**N)** text" / "**N) Title**. text" items.

    The question is the item's first line without its number. The lines after it state
    the task (examples, formulas), so the answer snippet is the solution: the first line
    of the first code block before the next item.
    """
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if _NUMBERED_BOLD.match(ln)]
    gold: list[GoldQuestion] = []
    for k, i in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        body = lines[i + 1 : end]
        heading = next((j for j, ln in enumerate(body) if re.match(r"#{1,6} ", ln)), len(body))
        body = body[:heading]
        fence = next((j for j, ln in enumerate(body) if _FENCE.match(ln)), None)
        answer = None if fence is None else answer_snippet(body[fence + 1 :])
        question = clean_inline(re.sub(r"^\*\*\d+\)\s*", "**", lines[i]))
        gold.append(GoldQuestion(question, i + 1, answer))
    return gold


def gold_iamtodor(text: str) -> list[GoldQuestion]:
    """iamtodor README: the "## N. title" headings; answers run to the next "## "."""
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if re.match(r"## \d+\.\s", ln)]
    gold: list[GoldQuestion] = []
    for k, i in enumerate(starts):
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
        question = clean_inline(re.sub(r"^## \d+\.\s*", "", lines[i]))
        gold.append(GoldQuestion(question, i + 1, answer_snippet(lines[i + 1 : end])))
    return gold


def gold_trimstray(text: str) -> list[GoldQuestion]:
    """test-your-sysadmin-skills: each <details><summary>Q</summary> answer </details>.

    Plus the 14 "Simple Questions" at the top, a bullet list of bold questions that have
    no answers (gold answer None). A block holding only "To be completed." and/or a
    "Useful resources:" link list has no answer; the "***" marker is dropped from the text.
    """
    gold: list[GoldQuestion] = []
    lines = text.splitlines()
    head = next(i for i, ln in enumerate(lines) if 'name="simple-questions"' in ln)
    for i in range(head + 1, len(lines)):
        if lines[i].startswith("#"):
            break
        if m := re.match(r"^- <b>(.*)</b>\s*$", lines[i]):
            gold.append(GoldQuestion(clean_inline(m.group(1)), i + 1, None))
    stop = re.compile(r"^\s*Useful resources:")
    for m in re.finditer(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", text, re.S):
        question = clean_inline(m.group(1).replace("***", ""))
        answer = answer_snippet(m.group(2).splitlines(), stop=stop)
        gold.append(GoldQuestion(question, _line_of(text, m.start(1)), answer))
    gold.sort(key=lambda g: g.line)
    return gold


DSI = "alexeygrigorev__data-science-interviews"
DOCS: tuple[GoldDoc, ...] = (
    GoldDoc(
        "30-seconds",
        "30-seconds__30-seconds-of-interviews/README.md",
        gold_30_seconds,
        124,
        "124 answered headings, 103 distinct: 19 questions sit under two or three categories",
    ),
    GoldDoc("ripgrep", "BurntSushi__ripgrep/FAQ.md", gold_ripgrep, 27),
    GoldDoc("dsi-theory", f"{DSI}/theory.md", gold_bold_paragraphs, 166),
    GoldDoc("dsi-technical", f"{DSI}/technical.md", gold_technical, 40, "11 SQL + 14 + 15"),
    GoldDoc("dsi-probability", f"{DSI}/contrib/probability.md", gold_bold_paragraphs, 1),
    GoldDoc("golang-faq", "golang__website/faq.html", gold_golang, 84),
    GoldDoc(
        "iamtodor",
        "iamtodor__data-science-interview-questions-and-answers/README.md",
        gold_iamtodor,
        33,
    ),
    GoldDoc("lightgbm-faq", "microsoft__LightGBM/FAQ.rst", gold_lightgbm, 26, "17 + 4 + 5"),
    GoldDoc(
        "trimstray",
        "trimstray__test-your-sysadmin-skills/README.md",
        gold_trimstray,
        285,
        "271 <details> + 14 unanswered simple questions",
    ),
)


def load_gold(doc: GoldDoc, root: Path = EXTERNAL_DIR) -> list[GoldQuestion]:
    """The gold questions of `doc`, read from its file under `root`."""
    return doc.extract((root / doc.path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class DocScore:
    """How the nodes of one document compare with its gold questions."""

    n_gold: int
    n_nodes: int
    n_gold_answered: int
    pairs: list[tuple[GoldQuestion, Any]] = field(default_factory=list)
    missed: list[GoldQuestion] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)
    answer_misses: list[tuple[GoldQuestion, str]] = field(default_factory=list)
    false_answered: list[tuple[GoldQuestion, Any]] = field(default_factory=list)

    @property
    def question_recall(self) -> float:
        return len(self.pairs) / self.n_gold if self.n_gold else 1.0

    @property
    def answer_recall(self) -> float:
        if not self.n_gold_answered:
            return 1.0
        return (self.n_gold_answered - len(self.answer_misses)) / self.n_gold_answered

    @property
    def extra_share(self) -> float:
        return len(self.extra) / self.n_gold if self.n_gold else float(bool(self.extra))

    def failures(self, limit: int = 10) -> str:
        """The first `limit` missed questions, answer misses and extra nodes, as text."""
        out: list[str] = []
        if self.missed:
            out.append(f"missed questions ({len(self.missed)}):")
            out += [f"  line {g.line}: {g.question[:90]!r}" for g in self.missed[:limit]]
        if self.answer_misses:
            out.append(f"answer misses ({len(self.answer_misses)}):")
            out += [
                f"  line {g.line}: {g.question[:60]!r}: {why}"
                for g, why in self.answer_misses[:limit]
            ]
        if self.extra:
            out.append(f"nodes matching no gold question ({len(self.extra)}):")
            out += [
                f"  lines {n.line_start}-{n.line_end}: {n.question[:90]!r}"
                for n in self.extra[:limit]
            ]
        return "\n".join(out)


def match_nodes(gold: Sequence[GoldQuestion], nodes: Sequence[Any]) -> list[tuple[int, int]]:
    """One-to-one (gold index, node index) pairs whose questions match.

    Pairs are taken greedily: a node whose line span holds the gold question's line
    first, then by similarity, then by distance in lines, so that a table-of-contents
    entry repeating a question does not take the place of the question itself.
    """
    gold_norm = [normalize_question(g.question) for g in gold]
    node_norm = [normalize_question(n.question) for n in nodes]
    candidates: list[tuple[int, float, int, int, int]] = []
    for gi, g in enumerate(gold):
        for ni, n in enumerate(nodes):
            sim = question_similarity(gold_norm[gi], node_norm[ni])
            if sim < MATCH_THRESHOLD:
                continue
            inside = 0 if n.line_start <= g.line <= n.line_end else 1
            candidates.append((inside, -sim, abs(n.line_start - g.line), gi, ni))
    candidates.sort()
    used_gold: set[int] = set()
    used_node: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for *_, gi, ni in candidates:
        if gi in used_gold or ni in used_node:
            continue
        used_gold.add(gi)
        used_node.add(ni)
        pairs.append((gi, ni))
    return sorted(pairs)


def score_document(gold: Sequence[GoldQuestion], nodes: Sequence[Any]) -> DocScore:
    """Compare the splitter's nodes (objects with question, answer, answered, line_start,
    line_end) with the gold questions."""
    pairs = match_nodes(gold, nodes)
    by_gold = {gi: nodes[ni] for gi, ni in pairs}
    matched_nodes = {ni for _, ni in pairs}
    score = DocScore(
        n_gold=len(gold),
        n_nodes=len(nodes),
        n_gold_answered=sum(g.answer is not None for g in gold),
        pairs=[(gold[gi], nodes[ni]) for gi, ni in pairs],
        missed=[g for gi, g in enumerate(gold) if gi not in by_gold],
        extra=[n for ni, n in enumerate(nodes) if ni not in matched_nodes],
    )
    for gi, g in enumerate(gold):
        node = by_gold.get(gi)
        if g.answer is None:
            if node is not None and node.answered:
                score.false_answered.append((g, node))
            continue
        if node is None:
            score.answer_misses.append((g, "question not found"))
        elif not node.answered:
            score.answer_misses.append((g, "node not answered"))
        elif not answer_contains(node.answer, g.answer):
            score.answer_misses.append((g, f"answer lacks {g.answer!r}"))
    return score


def split_file(path: Path) -> list[Any]:
    """Read `path` with the product's reader and split it (ReadError propagates)."""
    from qagraph.ingest.readers import read_document
    from qagraph.ingest.split import split_document

    return split_document(read_document(path))


# --------------------------------------------------------------------------- report


def report(root: Path = EXTERNAL_DIR) -> str:
    """A table of every document: gold, nodes, q-recall, a-recall, extra, false-answered."""
    from qagraph.ingest.readers import ReadError

    head = f"{'doc':<16} {'gold':>5} {'ans':>4} {'nodes':>5} {'q-recall':>8} "
    head += f"{'a-recall':>8} {'extra':>6} {'false-ans':>9}  status"
    rows = [head, "-" * len(head)]
    for doc in DOCS:
        gold = load_gold(doc, root)
        n_ans = sum(g.answer is not None for g in gold)
        try:
            nodes = split_file(root / doc.path)
        except ReadError as exc:
            rows.append(f"{doc.key:<16} {len(gold):>5} {n_ans:>4} {'-':>5}  ReadError: {exc}")
            continue
        s = score_document(gold, nodes)
        ok = (
            s.question_recall >= QUESTION_RECALL_TARGET
            and s.answer_recall >= ANSWER_RECALL_TARGET
            and s.extra_share <= EXTRA_SHARE_TARGET
        )
        rows.append(
            f"{doc.key:<16} {s.n_gold:>5} {n_ans:>4} {s.n_nodes:>5} {s.question_recall:>8.3f} "
            f"{s.answer_recall:>8.3f} {s.extra_share:>6.3f} {len(s.false_answered):>9}  "
            + ("ok" if ok else "FAIL")
        )
    rows.append(
        f"targets: q-recall >= {QUESTION_RECALL_TARGET}, a-recall >= {ANSWER_RECALL_TARGET}, "
        f"extra <= {EXTRA_SHARE_TARGET} (false-ans: nodes marked answered where the source "
        "gives none; not a target)"
    )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; with -v, also each failing document's misses."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not EXTERNAL_DIR.is_dir():
        print(f"no external documents at {EXTERNAL_DIR}", file=sys.stderr)
        return 1
    print(report())
    if "-v" in argv:
        from qagraph.ingest.readers import ReadError

        for doc in DOCS:
            try:
                s = score_document(load_gold(doc), split_file(EXTERNAL_DIR / doc.path))
            except ReadError:
                continue
            if text := s.failures():
                print(f"\n== {doc.key}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
