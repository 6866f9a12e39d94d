"""Property-based tests of the splitter on generated markdown Q&A documents.

Documents mix the shapes real Q&A files use: ATX headings (numbered or not, with or
without a question mark), bold question paragraphs, numbered lists restarting per
section, <details> folds (the summary either "Show answer" or the question itself),
tables of contents of anchor links, fenced code (sometimes left unclosed inside a list
item), tables, "Q:"/"A:" lines, blank lines and random unicode text, plus degenerate
markup (empty headings and folds, stray tags, setext underlines), nested folds and CRLF
line ends.

Whatever the input, `split_document` must not raise, and every node must cite lines
that exist and hold its question: each word of the question (NFKC, case-folded,
alphanumeric runs) occurs among the words of the lines the node spans.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qagraph.ingest.readers import Document, read_document
from qagraph.ingest.split import split_document

_WORD = re.compile(r"[^\W_]+")

# ---------------------------------------------------------------------------- strategies

_ASCII_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)
_UNICODE_WORD = st.text(
    alphabet=st.characters(categories=("L", "M", "N"), max_codepoint=0x2FFFF),
    min_size=1,
    max_size=6,
)
_VOCABULARY = st.sampled_from(
    "the a of to in is it for on with by as or and not no yes data model file line answer "
    "question value time server user code list table test error python linux network memory "
    "key node see also note example step why how what when which who does can should use "
    "set get run build install config path port disk cache thread process regression tree "
    "gradient loss layer feature label".split()
)
_STARTERS = st.sampled_from(
    ["", "", "What is", "How do I", "Why does", "Can you explain", "When should", "Is it"]
)
# Any printable text, markup characters included; no surrogates or C0/C1 controls.
_RAW_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), max_codepoint=0x2FFFF),
    max_size=40,
)


@st.composite
def phrase(draw: st.DrawFn, *, min_words: int = 1, max_words: int = 8) -> str:
    """Words, sometimes one made up (ascii or any script), or styled as code, emphasis or link.

    Words come from a vocabulary: drawing whole words keeps generation fast enough for
    2000 documents, and the made-up words bring in other scripts and odd characters.
    """
    words = draw(st.lists(_VOCABULARY, min_size=min_words, max_size=max_words))
    if words and (pick := draw(st.integers(0, 5))) < 3:
        i = draw(st.integers(0, len(words) - 1))
        if pick == 0:
            style = draw(st.sampled_from(["`{}`", "*{}*", "**{}**", "[{}](#x)", "<code>{}</code>"]))
            words[i] = style.format(words[i])
        else:
            words[i] = draw(_UNICODE_WORD if pick == 1 else _ASCII_WORD)
    return " ".join(words)


@st.composite
def question(draw: st.DrawFn) -> str:
    """A phrase, often opened by a question word and closed by a question mark."""
    text = " ".join(filter(None, [draw(_STARTERS), draw(phrase(min_words=2))]))
    return text + draw(st.sampled_from(["?", "?", "?", "", ".", " ?", "？"]))


@st.composite
def prose(draw: st.DrawFn) -> list[str]:
    """One to three lines of text: a paragraph."""
    return draw(st.lists(phrase(min_words=1, max_words=12), min_size=1, max_size=3))


@st.composite
def code_block(draw: st.DrawFn, *, indent: str = "", closed: bool | None = None) -> list[str]:
    """A fenced block whose lines may look like questions; `closed` None: either way."""
    lang = draw(st.sampled_from(["", "python", "bash", "js"]))
    body = draw(
        st.lists(
            st.one_of(phrase(), question(), st.just("# comment?"), st.just("x = 1")),
            max_size=4,
        )
    )
    close = draw(st.booleans()) if closed is None else closed
    lines = [f"{indent}```{lang}", *(indent + ln for ln in body)]
    return lines + ([f"{indent}```"] if close else [])


@st.composite
def heading(draw: st.DrawFn) -> list[str]:
    """An ATX heading, maybe numbered, with or without a question mark."""
    level = draw(st.integers(1, 6))
    number = draw(st.sampled_from(["", "", "1. ", "12) ", "Q3: ", "2.1 "]))
    text = draw(st.one_of(question(), phrase()))
    return ["#" * level + " " + number + text]


@st.composite
def bold_question(draw: st.DrawFn) -> list[str]:
    """A bold question paragraph and its answer."""
    return [f"**{draw(question())}**", "", *draw(prose())]


@st.composite
def numbered_list(draw: st.DrawFn) -> list[str]:
    """A section heading, then items numbered from 1, each maybe with an answer."""
    lines = [f"## {draw(phrase())}", ""]
    for n in range(1, draw(st.integers(1, 4)) + 1):
        lines.append(f"{n}. {draw(question())}")
        kind = draw(st.sampled_from(["none", "indented", "flush", "code", "unclosed"]))
        if kind == "indented":
            lines += ["", *("   " + ln for ln in draw(prose()))]
        elif kind == "flush":
            lines += ["", *draw(prose())]
        elif kind in ("code", "unclosed"):
            lines += ["", *draw(code_block(indent="   ", closed=kind == "code"))]
        lines.append("")
    return lines


@st.composite
def details_show_answer(draw: st.DrawFn) -> list[str]:
    """A question, then its answer folded under "Show answer"."""
    lines = [*draw(st.one_of(heading(), bold_question())), "", "<details>"]
    lines += ["<summary>Show answer</summary>", "", *draw(prose()), "", "</details>"]
    return lines


@st.composite
def details_question(draw: st.DrawFn) -> list[str]:
    """A fold whose summary is the question; the answer may be empty."""
    head = f"<summary><b>{draw(question())}</b></summary>"
    lines = ["<details>", head + draw(st.sampled_from(["<br>", ""])), ""]
    if draw(st.booleans()):
        lines += draw(prose())
    if draw(st.booleans()):
        lines += ["", *draw(code_block(closed=True))]
    return [*lines, "", "</details>"]


@st.composite
def toc(draw: st.DrawFn) -> list[str]:
    """A table of contents: a list of anchor links."""
    items = draw(st.lists(st.one_of(question(), phrase()), min_size=1, max_size=5))
    bullet = draw(st.sampled_from(["*", "-", "1."]))
    return [f"{bullet} [{text}](#{'-'.join(_WORD.findall(text.lower()))})" for text in items]


@st.composite
def table(draw: st.DrawFn) -> list[str]:
    """A pipe table of one to three columns."""
    cols = draw(st.integers(1, 3))
    rows = draw(st.lists(st.lists(phrase(max_words=3), min_size=cols, max_size=cols), max_size=3))
    head = draw(st.lists(phrase(max_words=2), min_size=cols, max_size=cols))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * cols]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


@st.composite
def qa_lines(draw: st.DrawFn) -> list[str]:
    """A "Q:" line, an "A:" line and maybe more answer lines."""
    q = draw(st.sampled_from(["Q: ", "Q. ", "**Q:** ", "Question: "]))
    a = draw(st.sampled_from(["A: ", "A. ", "**A:** ", "Answer: "]))
    return [q + draw(question()), a + draw(phrase()), *draw(st.lists(phrase(), max_size=2))]


@st.composite
def random_lines(draw: st.DrawFn) -> list[str]:
    """Arbitrary printable unicode, markup characters included."""
    return draw(st.lists(_RAW_TEXT, min_size=1, max_size=3))


# fmt: off
_ODD_LINES = (
    "#", "# ?", "## 1.", "**?**", "****", "1.", "1. ?", "Q:", "A:", "- ", "-", "***", "---",
    "===", "<details>", "</details>", "<summary></summary>", "<summary>?</summary>", "```",
    "~~~", "<!-- comment? -->", "<div>", "</div>", "<br>", "&nbsp;", "- [](#)", "\t1. What?",
    "    indented code?", ">", "> What is quoted?", "|", "|---|",
)
# fmt: on


@st.composite
def odd_lines(draw: st.DrawFn) -> list[str]:
    """Degenerate markup: empty headings and folds, stray tags, rules, setext titles."""
    lines = draw(st.lists(st.sampled_from(_ODD_LINES), min_size=1, max_size=4))
    if draw(st.booleans()):
        lines += [draw(question()), draw(st.sampled_from(["---", "===", "-", "="]))]
    return lines


@st.composite
def nested_details(draw: st.DrawFn) -> list[str]:
    """A question fold holding another question fold."""
    inner = draw(details_question())
    return [*draw(details_question())[:-1], *inner, *draw(prose()), "</details>"]


BLOCKS = st.one_of(
    odd_lines(),
    nested_details(),
    heading(),
    bold_question(),
    numbered_list(),
    details_show_answer(),
    details_question(),
    toc(),
    code_block(),
    st.builds(lambda lines: ["- item", *lines], code_block(indent="  ", closed=False)),
    table(),
    qa_lines(),
    prose(),
    random_lines(),
    st.just([""]),
)


@st.composite
def markdown_document(draw: st.DrawFn) -> str:
    """A document of 1-12 blocks, usually separated by blank lines."""
    lines: list[str] = []
    for block in draw(st.lists(BLOCKS, min_size=1, max_size=12)):
        lines += block
        if draw(st.integers(0, 3)):
            lines.append("")
    lines.append("Final words here.")  # never an empty file, which the reader refuses
    newline = draw(st.sampled_from(["\n", "\n", "\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))


# ---------------------------------------------------------------------------- properties


def words(text: str) -> list[str]:
    """Alphanumeric runs of `text` after NFKC and case folding."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def check_document(doc: Document) -> None:
    """The properties every split of `doc` must have."""
    nodes = split_document(doc)
    lines = doc.lines
    for node in nodes:
        where = f"node {node.question!r} at lines {node.line_start}-{node.line_end}"
        assert 1 <= node.line_start <= node.line_end <= doc.n_lines, where
        assert node.question.strip(), where
        spanned = [
            lines[i]
            for i, original in enumerate(doc.line_map)
            if node.line_start <= original <= node.line_end
        ]
        source_words = set(words("\n".join(spanned)))
        missing = [w for w in words(node.question) if w not in source_words]
        assert not missing, f"{where}: words {missing} not in its lines {spanned!r}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all examples (hypothesis refuses function-scoped fixtures)."""
    return tmp_path_factory.mktemp("props")


def _check_text(workdir: Path, text: str) -> None:
    path = workdir / "generated.md"
    path.write_text(text, encoding="utf-8")
    check_document(read_document(path))


_SETTINGS = dict(
    deadline=None,
    database=None,  # no example database: a failure prints its reproduce_failure blob
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(max_examples=150, **_SETTINGS)
@given(text=markdown_document())
def test_split_properties_quick(workdir: Path, text: str) -> None:
    """A short run of the properties for every test session."""
    _check_text(workdir, text)


@pytest.mark.slow
@settings(max_examples=2000, **_SETTINGS)
@given(text=markdown_document())
def test_split_properties(workdir: Path, text: str) -> None:
    """2000 generated documents: no exception, valid line spans, questions from the text."""
    _check_text(workdir, text)


@pytest.mark.parametrize(
    "text",
    [
        "# Title\n\n1. What is x?\n\n   ```python\n   x = 1\n\nStill code?\n",
        "<details>\n<summary><b>Why?</b></summary>\n\n</details>\n",
        "- [What is a?](#what-is-a)\n- [What is b?](#what-is-b)\n\n## What is a?\n\nA.\n",
        "Q: What is it?\nA: Nothing.\n",
        "| a | b |\n|---|---|\n| What? | x |\n",
        "<summary></summary>\nFinal words here.\n",  # once gave a node with question ""
        "# ?\n\n**?**\n\n1. ?\n",
    ],
)
def test_split_properties_examples(tmp_path: Path, text: str) -> None:
    """The properties on a few hand-written edge cases."""
    _check_text(tmp_path, text)
