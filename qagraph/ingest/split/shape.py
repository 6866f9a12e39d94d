"""How one document marks its questions, learnt from the whole document before the walk.

Documents differ in how they mark a question (a heading level, bold lines, definition-list
terms, a line leading its paragraph, a bullet list announced as questions). Each of these
is judged over the document as a whole, so that a single bold line or a rhetorical
question in prose does not turn into a question node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qagraph.ingest.split import cues
from qagraph.ingest.split.lines import Kind, Line, clean_title


@dataclass(frozen=True, slots=True)
class SplitterConfig:
    """Knobs of the splitter; the defaults are what the tests and the eval use.

    Attributes:
        max_question_words: A plain line longer than this is prose, not a question.
        min_question_share: Share of question-like items that makes a list or a heading
            level a list of questions.
        template_repeats: A short title line repeated this often ("How to Answer",
            "Example") is a sub-heading inside answers, never a section.
    """

    max_question_words: int = 45
    min_question_share: float = 0.5
    template_repeats: int = 3

    def __post_init__(self) -> None:
        if self.max_question_words < 3:
            raise ValueError("max_question_words must be at least 3")
        if not 0.0 < self.min_question_share <= 1.0:
            raise ValueError("min_question_share must be in (0, 1]")
        if self.template_repeats < 2:
            raise ValueError("template_repeats must be at least 2")


@dataclass(frozen=True, slots=True)
class Shape:
    """What the splitter learns about a document before walking it.

    Attributes:
        uses_blank: Blocks are separated by blank lines (so a title stands alone).
        templates: Short title lines repeated often enough to be sub-headings in answers.
        leading_questions: Indexes of plain questions written as the first line of their
            answer's paragraph.
        q_levels: Heading levels that hold questions.
        bold_questions: Bold lines are mostly questions.
        term_questions: Definition-list terms are mostly questions (a FAQ, not a glossary).
        lists: For each line announcing a bullet list of bare questions, the items.
        table_rows: The lines of tables whose first column asks the questions: each body
            row's (question, answer), and None for the header and delimiter rows.
    """

    uses_blank: bool
    templates: frozenset[str]
    leading_questions: frozenset[int]
    q_levels: frozenset[int]
    bold_questions: bool
    term_questions: bool
    lists: dict[int, list[int]]
    table_rows: dict[int, tuple[str, str] | None]


def learn_shape(lines: list[Line], config: SplitterConfig) -> Shape:
    """Learn how the classified `lines` of one document mark their questions."""
    nonblank = [ln for ln in lines if not ln.blank]
    return Shape(
        uses_blank=len(lines) - len(nonblank) > 0.3 * max(1, len(nonblank)),
        templates=_template_titles(lines, config),
        leading_questions=_paragraph_questions(lines, config),
        q_levels=_question_heading_levels(lines, config),
        bold_questions=_share_questions([ln for ln in lines if ln.kind is Kind.BOLD], config),
        term_questions=_share_questions(
            [ln for ln in lines if ln.kind is Kind.TERM], config, minimum=1
        ),
        lists=_question_lists(lines, config),
        table_rows=_question_tables(lines, config),
    )


# Share of a list announced as questions whose items must read as questions ("Describe
# your homelab." is one too).
LISTED_SHARE = 0.8


def prev_nonblank(lines: list[Line], i: int) -> Line | None:
    """The closest non-blank line before index `i`, if any."""
    j = i - 1
    while j >= 0 and lines[j].blank:
        j -= 1
    return lines[j] if j >= 0 else None


def _share_questions(lines: list[Line], config: SplitterConfig, *, minimum: int = 2) -> bool:
    if len(lines) < minimum:
        return False
    hits = sum(cues.question_score(ln.title) >= 0.7 for ln in lines)
    return hits / len(lines) >= config.min_question_share


def _paragraph_questions(lines: list[Line], config: SplitterConfig) -> frozenset[int]:
    """Questions written as the first line of their answer's paragraph.

    Counted only where most paragraphs of two lines or more open that way ("How do I
    install it?" / "Run pip install."): in prose, a paragraph that starts with a question
    on a line of its own is a rhetorical aside.
    """
    firsts = [
        ln
        for ln in lines
        if ln.kind is Kind.TEXT
        and (ln.idx == 0 or lines[ln.idx - 1].blank)
        and ln.idx + 1 < len(lines)
        and lines[ln.idx + 1].kind is Kind.TEXT
    ]
    asking = [
        ln.idx
        for ln in firsts
        if cues.ends_with_question(ln.title)
        and len(ln.title.split()) <= config.max_question_words
        and not cues.ends_with_question(lines[ln.idx + 1].title)
    ]
    if len(asking) >= 2 and len(asking) >= config.min_question_share * len(firsts):
        return frozenset(asking)
    return frozenset()


def _template_titles(lines: list[Line], config: SplitterConfig) -> frozenset[str]:
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.kind is Kind.TEXT and cues.has_heading_shape(ln.title):
            key = ln.title.lower()
            counts[key] = counts.get(key, 0) + 1
    return frozenset(k for k, n in counts.items() if n >= config.template_repeats)


def _question_heading_levels(lines: list[Line], config: SplitterConfig) -> frozenset[int]:
    by_level: dict[int, list[Line]] = {}
    for ln in lines:
        if ln.kind is Kind.HEADING:
            by_level.setdefault(ln.level, []).append(ln)
    levels = set()
    for level, heads in by_level.items():
        numbered = sum(h.number is not None for h in heads)
        if _share_questions(heads, config) or (numbered >= 3 and numbered >= len(heads) / 2):
            levels.add(level)
    return frozenset(levels)


def _question_lists(lines: list[Line], config: SplitterConfig) -> dict[int, list[int]]:
    """Bullet lists of bare questions introduced by a line that announces questions."""
    found: dict[int, list[int]] = {}
    i = 0
    while i < len(lines):
        if lines[i].kind is not Kind.BULLET or lines[i].indent > 3:
            i += 1
            continue
        group = []
        while i < len(lines) and (
            lines[i].blank or (lines[i].kind is Kind.BULLET and lines[i].indent <= 3)
        ):
            if not lines[i].blank:
                group.append(i)
            i += 1
        intro = prev_nonblank(lines, group[0])
        if len(group) >= 2 and intro is not None and _is_list_intro(intro):
            asking = sum(_bare_question(lines[j], config) for j in group)
            if asking >= LISTED_SHARE * len(group) and not any(
                cues.is_link_only(lines[j].raw) for j in group
            ):
                found[intro.idx] = group
    return found


def _bare_question(line: Line, config: SplitterConfig) -> bool:
    return (
        cues.question_score(line.title) >= 0.5
        and len(line.title.split()) <= config.max_question_words
    )


def _is_list_intro(line: Line) -> bool:
    text = line.title.lower()
    short = len(text.split()) <= 10 and line.kind in (Kind.TEXT, Kind.HEADING, Kind.BOLD)
    announces = "question" in text or "faq" in text
    return short and announces and "follow" not in text


_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_DELIMITER_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(row: str) -> list[str]:
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [c.strip() for c in _CELL_SPLIT.split(text)]


def _question_tables(
    lines: list[Line], config: SplitterConfig
) -> dict[int, tuple[str, str] | None]:
    """Tables whose first column mostly asks questions and whose other columns answer.

    A table is a question table by its own rows: at least two body rows, two columns or
    more, and most first cells read as questions.
    """
    found: dict[int, tuple[str, str] | None] = {}
    i = 0
    while i < len(lines):
        if lines[i].kind is not Kind.TABLE:
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].kind is Kind.TABLE:
            j += 1
        rows = lines[i:j]
        i = j
        if len(rows) < 4 or not _DELIMITER_ROW.match(rows[1].raw.strip()):
            continue
        header = _cells(rows[0].raw)
        body = [(ln, _cells(ln.raw)) for ln in rows[2:]]
        if len(header) < 2 or any(len(cells) < 2 for _, cells in body):
            continue
        asking = sum(cues.question_score(clean_title(cells[0])) >= 0.5 for _, cells in body)
        if asking < max(2, config.min_question_share * len(body)):
            continue
        found[rows[0].idx] = found[rows[1].idx] = None
        for ln, cells in body:
            answer = _row_answer(header, cells[1:])
            found[ln.idx] = (clean_title(cells[0]), answer)
    return found


def _row_answer(header: list[str], cells: list[str]) -> str:
    if len(cells) == 1:
        return cells[0].replace("<br>", "\n").strip()
    # Several answer columns: each under its header's name.
    names = header[1:] + [""] * len(cells)
    return "\n\n".join(
        f"**{name}**: {cell}" if name else cell for name, cell in zip(names, cells) if cell
    )
