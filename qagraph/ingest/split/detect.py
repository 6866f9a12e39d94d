"""Split a document into question/answer blocks by its structure.

The splitter first learns how *this* document marks its questions (Q: lines, numbered
lists, question headings at some level, bold lines, bullet lists of questions,
definition-list terms, lines leading their paragraph; see `shape` and `runs`), then walks
the lines once, deciding for each whether it opens a question, opens a section, opens a
topic block (a titled block with no question mark, such as "Design: ..."), or continues the
current answer. Lists, sub-headings and follow-up questions nested inside an answer stay in
that answer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from qagraph.ingest.split import cues
from qagraph.ingest.split.facts import LineFacts
from qagraph.ingest.split.lines import Kind, Line, classify_lines
from qagraph.ingest.split.runs import Run, numbered_runs
from qagraph.ingest.split.shape import SplitterConfig, learn_shape

logger = logging.getLogger(__name__)

_FOOTER = re.compile(
    r"^(thanks?( you)? for reading|if you (liked|like|enjoyed)|follow me\b|subscribe\b|"
    r"share this\b|related (posts|articles|stories)\b)",
    re.I,
)
_STRUCTURED = (Kind.BULLET, Kind.NUMBERED, Kind.TABLE, Kind.CODE, Kind.FENCE, Kind.BOLD)


@dataclass(frozen=True, slots=True)
class Block:
    """A question (or topic) with the line span of its answer, before rendering.

    Attributes:
        question: Question or topic title.
        number: Original numbering, if any.
        section: Title of the enclosing section, if any.
        kind: "question", "topic" (titled block without a question) or "listed"
            (a question given in a list without an answer).
        line: 0-based index of the question line.
        body: 0-based inclusive (first, last) line span of the answer, or None.
        indent: For a question written as a list item, the column its text starts at:
            the answer's lines are indented that far to belong to the item.
    """

    question: str
    number: str | None
    section: str | None
    kind: str
    line: int
    body: tuple[int, int] | None
    indent: int = 0
    rule: str = ""
    answer: str | None = None


@dataclass
class _Open:
    line: Line
    kind: str  # question | line | topic
    run: int | None
    body: list[int] = field(default_factory=list)


_SKIPPED = (Kind.BLANK, Kind.HTML, Kind.NAV)


def _markup_only(ln: Line) -> bool:
    return ln.kind in _SKIPPED and (ln.kind is not Kind.HTML or not ln.title)


_DETAILS = re.compile(r"<(/?)details\b", re.I)


def fold_ends(lines: list[Line]) -> dict[int, int]:
    """For each `<summary>` line of a `<details>` fold, the line that closes the fold."""
    ends: dict[int, int] = {}
    stack: list[int] = []
    summaries: dict[int, int] = {}  # fold opening line -> its summary line
    for ln in lines:
        if ln.kind in (Kind.CODE, Kind.FENCE):
            continue
        for m in _DETAILS.finditer(ln.raw):
            if not m.group(1):
                stack.append(ln.idx)
            elif stack:
                opening = stack.pop()
                if opening in summaries:
                    ends[summaries[opening]] = ln.idx
        if ln.kind in (Kind.SUMMARY, Kind.ANSWER, Kind.NAV) and stack:
            summaries.setdefault(stack[-1], ln.idx)
    return ends


def split_lines(
    lines: list[str], config: SplitterConfig | None = None, *, facts: LineFacts | None = None
) -> list[Block]:
    """Split a document, given as its lines, into question/answer blocks.

    Args:
        lines: The document's lines.
        config: Splitter settings.
        facts: What the parse tree says about the lines (markdown), or None (plain text).
    """
    entries = facts.entries if facts is not None else frozenset()
    return _Splitter(classify_lines(lines, facts), config or SplitterConfig(), entries).run()


class _Splitter:
    def __init__(
        self, lines: list[Line], config: SplitterConfig, entries: frozenset[int] = frozenset()
    ) -> None:
        self.entries = entries
        self.lines = lines
        self.config = config
        self.shape = learn_shape(lines, config)
        self.runs, self.run_of = numbered_runs(lines)
        self.blocks: list[Block] = []
        self.section: str | None = None
        self.section_level: int | None = None
        self.open: _Open | None = None
        self.folds = fold_ends(lines)

    # -- helpers --------------------------------------------------------------------------

    def _next_nonblank(self, i: int) -> Line | None:
        j = i + 1
        while j < len(self.lines) and self.lines[j].blank:
            j += 1
        # A title printed twice in a row (a page artefact) counts once.
        if j < len(self.lines) and self.lines[j].raw.strip() == self.lines[i].raw.strip():
            return self._next_nonblank(j)
        return self.lines[j] if j < len(self.lines) else None

    def _isolated(self, i: int) -> bool:
        if not self.shape.uses_blank:
            return True
        before = i == 0 or self.lines[i - 1].blank
        after = i + 1 >= len(self.lines) or self.lines[i + 1].blank
        return before and after

    def _heading_like(self, ln: Line) -> bool:
        return (
            ln.kind is Kind.TEXT
            and not cues.ends_with_question(ln.title)
            and cues.has_heading_shape(ln.title)
            and (len(ln.title.split()) <= 8 or cues.is_title_case(ln.title))
            and ln.title.lower() not in self.shape.templates
            and self._isolated(ln.idx)
        )

    def _plain_question(self, ln: Line) -> bool:
        return (
            ln.kind is Kind.TEXT
            and cues.ends_with_question(ln.title)
            and len(ln.title.split()) <= self.config.max_question_words
            and (self._isolated(ln.idx) or ln.idx in self.shape.leading_questions)
        )

    def _run_is_question(self, idx: int) -> bool:
        run = self.runs[self.run_of[idx]]
        if run.verdict is None:
            run.verdict = self._judge_run(run)
        return run.verdict

    def _judge_run(self, run: Run, *, weak_context: bool | None = None) -> bool:
        if run.nested:
            return False
        scores = [cues.question_score(self.lines[i].title) for i in run.items]
        if sum(scores) / len(scores) >= self.config.min_question_share:
            return True
        with_body = sum(self._has_body(i) for i in run.items)
        if weak_context is None:
            weak_context = self.open is None or self.open.kind == "topic"
        return len(run.items) >= 2 and with_body >= len(run.items) / 2 and weak_context

    def _has_body(self, i: int) -> bool:
        nxt = self._next_nonblank(i)
        return nxt is not None and not (nxt.kind is Kind.NUMBERED and nxt.indent <= 1)

    def _is_candidate(self, ln: Line) -> bool:
        """Would this line open a question (used for look-ahead from a title line)?"""
        if ln.kind in (Kind.QMARK, Kind.SUMMARY):
            return True
        if ln.kind is Kind.TABLE:
            return self.shape.table_rows.get(ln.idx) is not None
        if ln.kind is Kind.NUMBERED and ln.indent <= 1:
            run = self.runs[self.run_of[ln.idx]]
            if run.verdict is not None:
                return run.verdict
            # Judged as it would be right after a section title: the context is then weak.
            return self._judge_run(run, weak_context=True)
        if ln.kind is Kind.HEADING:
            return ln.level in self.shape.q_levels or cues.question_score(ln.title) >= 0.8
        if ln.kind is Kind.BOLD:
            return self.shape.bold_questions and cues.question_score(ln.title) >= 0.5
        if ln.kind is Kind.TERM:
            return self._term_question(ln)
        if ln.kind is Kind.BULLET:
            return self._bullet_question(ln)
        return self._plain_question(ln)

    def _term_question(self, ln: Line) -> bool:
        # The terms of a FAQ's definition list are its questions; a glossary's terms
        # ("Overfitting" / ": fitting noise") are not, and stay in the answer around them.
        return self.shape.term_questions and cues.question_score(ln.title) >= 0.5

    def _continues_open_run(self, ln: Line) -> bool:
        o = self.open
        if o is None or o.run is None or ln.kind is not Kind.NUMBERED:
            return False
        return (
            self.run_of.get(ln.idx) == o.run and int(ln.number or 0) == int(o.line.number or 0) + 1
        )

    def _list_is_nested(self, intro: int) -> bool:
        """A question list sandwiched between two items of the open numbered question."""
        if self.open is None or self.open.run is None:
            return False
        last = self.shape.lists[intro][-1]
        for ln in self.lines[last + 1 :]:
            if ln.kind is Kind.NUMBERED and ln.indent <= 1:
                return self._continues_open_run(ln)
        return False

    def _topic_has_no_questions(self, head: Line) -> bool:
        for ln in self.lines[head.idx + 1 :]:
            if ln.kind is Kind.HEADING and ln.level <= head.level:
                return True
            if self._is_candidate(ln):
                return False
        return True

    # -- the walk -------------------------------------------------------------------------

    def _decide(self, ln: Line) -> str:
        if ln.idx in self.shape.lists and not self._list_is_nested(ln.idx):
            return "intro"
        kind = ln.kind
        if kind is Kind.SUMMARY and self._label_of_open_question(ln):
            return "content"
        if kind in (Kind.QMARK, Kind.SUMMARY):
            return "question"
        if kind is Kind.TABLE and ln.idx in self.shape.table_rows:
            return "row" if self.shape.table_rows[ln.idx] is not None else "close"
        if kind is Kind.HEADING:
            return self._decide_heading(ln)
        if kind is Kind.BOLD:
            score = cues.question_score(ln.title)
            if (self.shape.bold_questions and (score >= 0.5 or self._bold_title(ln))) or (
                score >= 0.8 and self.open is None
            ):
                return "question"
            return "content"
        if kind is Kind.NUMBERED and ln.indent <= 1:
            return "question" if self._run_is_question(ln.idx) else "content"
        if kind is Kind.TERM:
            return "question" if self._term_question(ln) else "content"
        if kind is Kind.BULLET and self._bullet_question(ln):
            # Only as a sibling or at top level: a question bullet inside another answer
            # is a follow-up question of that answer.
            o = self.open
            if o is None or o.kind == "topic" or o.line.kind is Kind.BULLET:
                return "question"
        if kind is Kind.TEXT:
            return self._decide_text(ln)
        return "content"

    def _label_of_open_question(self, ln: Line) -> bool:
        """A summary that folds the answer of the question just above it ("Réponse").

        Labels in any wording are found by position: the fold comes right after an open
        question, before any of its answer, and its summary does not ask anything.
        """
        o = self.open
        if o is None or o.kind == "topic" or cues.question_score(ln.title) >= 0.5:
            return False
        return all(self.lines[i].kind in _SKIPPED for i in o.body)

    def _bullet_question(self, ln: Line) -> bool:
        """A top-level bullet that asks a question and holds its answer nested below it."""
        if ln.kind is not Kind.BULLET or ln.indent > 1 or cues.question_score(ln.title) < 0.7:
            return False
        nxt = self._next_nonblank(ln.idx)
        return nxt is not None and nxt.indent > ln.indent

    def _decide_heading(self, ln: Line) -> str:
        score = cues.question_score(ln.title)
        if ln.idx in self.entries and score < 0.5 and self._titled_entry(ln):
            return "topic"  # the table of contents lists it among the entries
        if self.shape.q_levels:
            top = min(self.shape.q_levels)
            if ln.level in self.shape.q_levels and (score >= 0.5 or ln.number is not None):
                # A numbered title over question headings ("2. Technical") is a section.
                if score < 0.5 and not self._topic_has_no_questions(ln):
                    return "section"
                return "question"
            if ln.level in self.shape.q_levels and self._titled_entry(ln):
                return "topic"
            if ln.level > top:
                return "content"
        elif score >= 0.8:
            return "question"
        elif self.open is not None and self.open.kind != "topic":
            if self.section_level is not None and ln.level > self.section_level:
                return "content"
        nxt = self._next_nonblank(ln.idx)
        if (
            nxt is not None
            and self._structured(nxt)
            and (self.open is None or self.open.kind == "topic")
            and self._topic_has_no_questions(ln)
            and not self._only_links_until_next_heading(ln)
        ):
            return "topic"
        return "section"

    def _titled_entry(self, head: Line) -> bool:
        """A heading without a question mark at the level that carries the questions,
        heading content of its own and no questions ("### Cross Validation"): an entry of
        the list of questions, written as a title."""
        has_body = False
        for ln in self.lines[head.idx + 1 :]:
            if ln.kind is Kind.HEADING and ln.level <= head.level:
                break
            if self._is_candidate(ln):
                return False
            has_body = has_body or ln.kind not in _SKIPPED
        return has_body and not self._only_links_until_next_heading(head)

    def _only_links_until_next_heading(self, head: Line) -> bool:
        for ln in self.lines[head.idx + 1 :]:
            if ln.kind is Kind.HEADING:
                break
            if ln.kind not in _SKIPPED and not cues.is_link_only(ln.raw):
                return False
        return True

    @staticmethod
    def _bold_title(ln: Line) -> bool:
        """A whole line in bold that reads as a title: a sibling of bold questions."""
        raw = ln.raw.strip()
        return raw.endswith(("**", "__")) and cues.has_heading_shape(ln.title)

    def _structured(self, ln: Line) -> bool:
        if ln.kind in _STRUCTURED:
            return True
        return ln.kind is Kind.TEXT and (
            cues.is_label(ln.title) or cues.is_enumerated_label(ln.title)
        )

    def _decide_text(self, ln: Line) -> str:
        if _FOOTER.match(ln.title):
            return "end"
        if self._plain_question(ln) and (self.open is None or self.open.kind in ("line", "topic")):
            return "question"
        if not self._heading_like(ln):
            return "content"
        nxt = self._next_nonblank(ln.idx)
        if nxt is None:
            return "content"
        # Inside an answer, only a title-cased line is a section title ("Conclusion");
        # a sentence-cased one ("View the full salary guide") is part of the answer.
        if self.open is not None and self.open.kind != "topic" and not cues.is_title_case(ln.title):
            return "content"
        if self._is_candidate(nxt):
            return "content" if self._continues_open_run(nxt) else "section"
        if self._heading_like(nxt) or nxt.kind is Kind.HEADING:
            return "section"
        if nxt.kind is Kind.TEXT and cues.is_prose(nxt.title):
            return "section"
        if self._structured(nxt) and (self.open is None or self.open.kind == "topic"):
            return "topic"
        return "content"

    def run(self) -> list[Block]:
        skip: set[int] = set()
        fold_end = -1
        for ln in self.lines:
            if ln.idx in skip:
                continue
            # Inside an open <details> fold everything is its answer: a numbered list of
            # questions there is part of the answer, never a run of new questions.
            action = "content" if ln.idx <= fold_end else self._decide(ln)
            if ln.kind in (Kind.SUMMARY, Kind.ANSWER):
                fold_end = max(fold_end, self.folds.get(ln.idx, -1))
            if action == "content":
                if self.open is not None:
                    self.open.body.append(ln.idx)
                continue
            self._close()
            if action in ("question", "topic"):
                kind = (
                    "topic"
                    if action == "topic"
                    else ("line" if ln.kind is Kind.TEXT else "question")
                )
                run = self.run_of.get(ln.idx) if ln.kind is Kind.NUMBERED else None
                self.open = _Open(ln, kind, run)
            elif action == "section":
                self.section = ln.title.rstrip(":").strip() or self.section
                self.section_level = ln.level if ln.kind is Kind.HEADING else None
            elif action == "row":
                question, answer = self.shape.table_rows[ln.idx]
                rule = "row of a question/answer table"
                self.blocks.append(
                    Block(
                        question,
                        None,
                        self.section,
                        "question",
                        ln.idx,
                        (ln.idx, ln.idx),
                        rule=rule,
                        answer=answer,
                    )
                )
            elif action == "intro":
                self.section = ln.title.rstrip(":").strip()
                for j in self.shape.lists[ln.idx]:
                    item = self.lines[j]
                    rule = "item of a list announced as questions (no answer)"
                    self.blocks.append(
                        Block(item.title, None, self.section, "listed", j, None, rule=rule)
                    )
                    skip.add(j)
        self._close()
        return self.blocks

    def _html_closed(self, lines: list[int], first: int, last: int) -> tuple[int, int]:
        """Widen a span that starts or ends inside raw HTML (a table) to the tags around
        it, so the answer does not begin with a dangling, indented `<th>`."""
        at = lines.index(first)
        if self.lines[first].kind is Kind.HTML:
            while at > 0 and self.lines[lines[at - 1]].kind is Kind.HTML:
                at -= 1
            first = lines[at]
        at = lines.index(last)
        if self.lines[last].kind is Kind.HTML:
            while at + 1 < len(lines) and self._table_tag(lines[at + 1]):
                at += 1
            last = lines[at]
        return first, last

    def _table_tag(self, i: int) -> bool:
        ln = self.lines[i]
        return (
            ln.kind is Kind.HTML and re.match(r"\s*</?(table|tr|tbody|thead)\b", ln.raw) is not None
        )

    def _close(self) -> None:
        o, self.open = self.open, None
        if o is None:
            return
        # Markup-only HTML lines do not stretch the span; an HTML table's cells do count.
        body = [i for i in o.body if not _markup_only(self.lines[i])]
        span = self._html_closed(o.body, body[0], body[-1]) if body else None
        kind = "topic" if o.kind == "topic" else "question"
        indent = 0
        if o.line.kind in (Kind.NUMBERED, Kind.BULLET):
            marker = re.match(r"\s*\S+\s+", o.line.raw.expandtabs(4))
            indent = marker.end() if marker else 0
        block = Block(
            o.line.title,
            o.line.number,
            self.section,
            kind,
            o.line.idx,
            span,
            indent,
            rule=_rule(o),
        )
        self.blocks.append(block)


_RULES = {
    Kind.QMARK: "'Q:' marker",
    Kind.SUMMARY: "question in a <details> summary",
    Kind.BOLD: "bold paragraph",
    Kind.TERM: "definition-list term",
    Kind.BULLET: "bullet item holding its answer",
    Kind.TEXT: "question line",
}


def _rule(o: _Open) -> str:
    """Which structure made this block, in words, for `qagraph inspect`."""
    ln = o.line
    if o.kind == "topic":
        where = f"heading h{ln.level}" if ln.kind is Kind.HEADING else "title line"
        return f"titled entry ({where}, no question mark)"
    if ln.kind is Kind.HEADING:
        return f"heading h{ln.level}" + (" (numbered)" if ln.number else "")
    if ln.kind is Kind.NUMBERED:
        return "numbered item" + (" in bold" if ln.raw.lstrip().startswith(("**", "__")) else "")
    return _RULES.get(ln.kind, ln.kind.value)
