"""Tests for the document readers: decoding, failures, folder expansion, HTML conversion."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qagraph.errors import QagraphError
from qagraph.ingest.readers import (
    SUPPORTED_SUFFIXES,
    SUPPORTED_TYPES,
    Document,
    InputFile,
    ReadError,
    iter_input_files,
    read_document,
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def html_doc(tmp_path: Path, body: str, name: str = "page.html") -> tuple[Document, list[str]]:
    """Read an HTML page; return the document and the source lines (1-based via [n - 1])."""
    path = write(tmp_path / name, body)
    return read_document(path), body.split("\n")


def line_of(doc: Document, needle: str) -> int:
    """The original line of the first output line containing `needle`."""
    for text, line in zip(doc.lines, doc.line_map, strict=True):
        if needle in text:
            return line
    raise AssertionError(f"{needle!r} not in {doc.text!r}")


def assert_valid_map(doc: Document) -> None:
    assert len(doc.line_map) == len(doc.lines)
    assert all(1 <= n <= doc.n_lines for n in doc.line_map)
    assert list(doc.line_map) == sorted(doc.line_map)


# -- text and decoding ----------------------------------------------------------------------


def test_txt_reads_as_is_with_identity_line_map(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.txt", "Q: What is AUC?\nA: Area under the curve.\n\nEnd\n")
    doc = read_document(path)
    assert doc.name == "notes.txt"
    assert doc.path == str(path.absolute())
    assert doc.format == "text"
    assert doc.encoding == "utf-8"
    assert doc.lines == ["Q: What is AUC?", "A: Area under the curve.", "", "End"]
    assert doc.line_map == (1, 2, 3, 4)
    assert doc.n_lines == 4
    assert doc.warnings == ()
    assert len(doc.sha256) == 64


def test_crlf_and_lone_cr_become_newlines(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "a.txt", b"one\r\ntwo\rthree\x0cfour\n"))
    assert doc.text == "one\ntwo\nthree four\n"
    assert doc.line_map == (1, 2, 3)


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "bom.txt", "\ufeffQ: café?\n".encode()))
    assert doc.text == "Q: café?\n"
    assert doc.encoding == "utf-8"
    assert doc.warnings == ()


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "wide.txt", "Q: naïve?\nA: yes\n".encode("utf-16")))
    assert doc.lines == ["Q: naïve?", "A: yes"]


def test_cp1252_fallback_with_warning(tmp_path: Path) -> None:
    raw = "Q: What’s a “p-value”?\nA: It’s – roughly – a tail probability.\n".encode("cp1252")
    doc = read_document(write(tmp_path / "win.txt", raw))
    assert doc.encoding == "cp1252"
    assert "What’s a “p-value”?" in doc.text
    assert doc.warnings == ("win.txt: not valid UTF-8, decoded as cp1252",)


def test_latin1_last_resort(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252, so only latin-1 decodes this.
    doc = read_document(write(tmp_path / "odd.txt", b"caf\xe9 \x81\n"))
    assert doc.encoding == "latin-1"
    assert doc.warnings == ("odd.txt: not valid UTF-8, decoded as latin-1",)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("empty.txt", b"", "empty.txt: file is empty"),
        ("blank.md", b"  \n\t\r\n \n", "blank.md: file is empty"),
        ("bom_only.txt", b"\xef\xbb\xbf", "bom_only.txt: file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt: looks like a binary"),
        ("ctrl.md", bytes(range(1, 9)) * 50, "ctrl.md: looks like a binary file, not text"),
        ("blank.html", b"\n\n", "blank.html: file is empty"),
        ("scripts.html", b"<script>x()</script>", "scripts.html: no readable text"),
    ],
)
def test_unreadable_contents_raise_read_error(
    tmp_path: Path, filename: str, content: bytes, message: str
) -> None:
    with pytest.raises(ReadError) as info:
        read_document(write(tmp_path / filename, content))
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, QagraphError)


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "paper.odt", b"PK\x03\x04")
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value) == (
        "paper.odt: unsupported file type '.odt' (supported: .docx, .htm, .html, .ipynb, "
        ".markdown, .md, .mdx, .pdf, .rest, .rst, .txt)"
    )
    assert " ".join(SUPPORTED_SUFFIXES) == (
        ".docx .htm .html .ipynb .markdown .md .mdx .pdf .rest .rst .txt"
    )


def test_suffix_is_case_insensitive_and_name_can_be_given(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path / "NOTES.TXT", "hello\n"), name="sub/NOTES.TXT")
    assert doc.name == "sub/NOTES.TXT"
    assert doc.format == "text"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"^gone\.txt: no such file$"):
        read_document(tmp_path / "gone.txt")
    folder = tmp_path / "dir.md"
    folder.mkdir()
    with pytest.raises(ReadError, match=r"^dir\.md: is a folder"):
        read_document(folder)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root posix user")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "x\n")
    path.chmod(0)
    try:
        with pytest.raises(ReadError, match=r"^secret\.txt: cannot read file \(Permission"):
            read_document(path)
    finally:
        path.chmod(0o644)


def test_os_errors_become_one_line_read_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "locked.md", "x\n")
    real_open = os.open

    def deny(file: str | os.PathLike[str], *args: object, **kwargs: object) -> int:
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert str(info.value) == "locked.md: cannot read file (Permission denied)"


def test_markdown_passes_through(tmp_path: Path) -> None:
    text = "# Stats\n\n## Q1. What is *variance*?\n\n- spread\n- of data\n\n```py\n  x = 1\n```\n"
    doc = read_document(write(tmp_path / "stats.md", text))
    assert doc.format == "markdown"
    assert doc.text == text
    assert doc.line_map == tuple(range(1, 11))
    assert read_document(write(tmp_path / "b.markdown", text)).format == "markdown"


def test_document_rejects_a_line_map_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="line_map"):
        Document("x", "/x", "a\nb", (1,), "utf-8", "0" * 64, 2)


def test_document_line_ends_default_to_the_line_map_and_are_checked() -> None:
    doc = Document("x", "/x", "a\nb", (1, 2), "utf-8", "0" * 64, 3)
    assert [doc.last_line(i) for i in range(2)] == [1, 2]
    doc = Document("x", "/x", "a\nb", (1, 2), "utf-8", "0" * 64, 3, line_ends=(2, 3))
    assert [doc.last_line(i) for i in range(2)] == [2, 3]
    for ends in [(1,), (1, 1), (1, 4)]:  # too few; before its line_map; past the file
        with pytest.raises(ValueError, match="line_ends"):
            Document("x", "/x", "a\nb", (1, 2), "utf-8", "0" * 64, 3, line_ends=ends)


# -- input files --------------------------------------------------------------------------


def test_folder_recursion_relative_names_hidden_skipped(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root / "b.txt", "b\n")
    write(root / "a.md", "a\n")
    write(root / "contrib" / "probability.md", "p\n")
    write(root / "contrib" / "deep" / "page.HTML", "<p>x</p>\n")
    write(root / "contrib" / "image.png", b"\x89PNG")
    write(root / ".git" / "notes.txt", "git internals\n")
    write(root / ".hidden.md", "hidden\n")
    files, problems = iter_input_files([root])
    assert problems == []
    assert [f.name for f in files] == [
        "a.md",
        "b.txt",
        "contrib/deep/page.HTML",
        "contrib/probability.md",
    ]
    assert files[0] == InputFile(root / "a.md", "a.md")
    assert all(f.path.is_file() for f in files)


def test_files_given_directly_keep_any_suffix(tmp_path: Path) -> None:
    pdf = write(tmp_path / "paper.pdf", b"%PDF")
    txt = write(tmp_path / "x" / "notes.txt", "n\n")
    files, problems = iter_input_files([str(pdf), txt])
    assert files == [InputFile(pdf, "paper.pdf"), InputFile(txt, "notes.txt")]
    assert problems == []


def test_missing_path_and_empty_folder_are_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    write(empty / "data.csv", "a,b\n")
    write(empty / ".git" / "x.md", "x\n")
    missing = tmp_path / "nope"
    files, problems = iter_input_files([missing, empty])
    assert files == []
    assert problems == [
        f"{missing}: no such file or directory",
        f"{empty}: no readable files in this folder (supported: {SUPPORTED_TYPES})",
    ]


def test_duplicates_are_kept_once_and_clashing_names_disambiguated(tmp_path: Path) -> None:
    one = write(tmp_path / "one" / "faq.md", "1\n")
    write(tmp_path / "two" / "faq.md", "2\n")
    files, problems = iter_input_files([tmp_path / "one", one, tmp_path / "two"])
    assert problems == []
    assert [f.name for f in files] == ["faq.md", "two/faq.md"]


# -- html -------------------------------------------------------------------------------------


def test_html_headings_lists_and_script_removed(tmp_path: Path) -> None:
    body = "\n".join(
        [
            "<html><head><title>Ignored title</title>",
            "<style>p { color: red }</style></head>",
            "<body>",
            "<nav><a href='/'>Home</a></nav>",
            "<h1>Interview guide</h1>",
            "<h2>Basics</h2>",
            "<ul>",
            "  <li>Alpha</li>",
            "  <li>Beta",
            "    <ol>",
            "      <li>first</li>",
            "      <li>second</li>",
            "    </ol>",
            "  </li>",
            "</ul>",
            "<script>document.write('<p>injected</p>')</script>",
            "<footer>Copyright</footer>",
            "</body></html>",
        ]
    )
    doc, src = html_doc(tmp_path, body)
    assert doc.format == "html"
    assert doc.lines == [
        "# Interview guide",
        "",
        "## Basics",
        "",
        "- Alpha",
        "- Beta",
        "  1. first",
        "  2. second",
    ]
    for needle in ("injected", "Home", "Copyright", "Ignored", "color"):
        assert needle not in doc.text
    assert line_of(doc, "# Interview") == 5
    assert line_of(doc, "## Basics") == 6
    assert line_of(doc, "Beta") == 9
    assert line_of(doc, "2. second") == 12
    assert doc.n_lines == len(src)
    assert_valid_map(doc)


def test_html_table_becomes_pipe_table(tmp_path: Path) -> None:
    body = (
        "<table>\n"
        "  <tr><th>Metric</th><th>Meaning</th></tr>\n"
        "  <tr><td>AUC</td><td>area under <b>ROC</b></td></tr>\n"
        "  <tr><td>F1</td><td>a | b</td></tr>\n"
        "</table>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "| Metric | Meaning |",
        "| --- | --- |",
        "| AUC | area under **ROC** |",
        "| F1 | a \\| b |",
    ]
    assert doc.line_map == (2, 2, 3, 4)


def test_html_table_cell_spanning_lines_is_cited_to_its_last_line(tmp_path: Path) -> None:
    # A row is one markdown line; a cell written over three source lines makes it reach
    # three lines, and the citation has to (the fuzz test's multi-line cell case).
    body = (
        "<table>\n"
        "<tr><th>Term</th><th>Meaning</th></tr>\n"
        "<tr><td>Bias</td><td>What is\n"
        "the error\n"
        "of a model?</td></tr>\n"
        "<tr><td>Variance</td><td>Spread.</td></tr>\n"
        "</table>\n"
        "<h2>What is a\n"
        "heading?</h2>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "| Term | Meaning |",
        "| --- | --- |",
        "| Bias | What is the error of a model? |",
        "| Variance | Spread. |",
        "",
        "## What is a heading?",
    ]
    assert doc.line_map == (2, 2, 3, 6, 6, 8)
    assert doc.line_ends == (2, 2, 5, 6, 6, 9)
    assert_valid_map(doc)


def test_html_stray_list_items_make_a_list_of_their_own(tmp_path: Path) -> None:
    # <li> outside any list: not glued to the text before it (and cited at its line).
    body = (
        "<p>Intro</p>\n"
        "<b>Note:</b>\n"
        "<li>What is a stray item?</li>\n"
        "<li>Why is it here?</li>\n"
        "<p>Because.</p>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "Intro",
        "",
        "**Note:**",
        "",
        "- What is a stray item?",
        "- Why is it here?",
        "",
        "Because.",
    ]
    assert line_of(doc, "stray item") == 3
    assert line_of(doc, "Why is it") == 4
    assert_valid_map(doc)


def test_html_item_holding_only_a_list_gets_no_marker(tmp_path: Path) -> None:
    # An item whose first content is a nested list only nests it: no "- 1. What ...",
    # whose generated "1." the splitter would take for the question's first word.
    body = (
        "<li><ol><li>What is a wrapper item?</li></ol>\n"
        "<p>An item holding a list.</p>\n"
        "<ul>\n"
        "<li>Alpha</li>\n"
        '<li style="list-style-type: none"><ul><li>Beta</li></ul></li>\n'
        "</ul>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "1. What is a wrapper item?",
        "",
        "An item holding a list.",
        "",
        "- Alpha",
        "  - Beta",
    ]
    assert line_of(doc, "Beta") == 5
    assert_valid_map(doc)


def test_html_text_starting_with_an_entity_keeps_its_line(tmp_path: Path) -> None:
    # The first word, "é", is written plainly only further down: found there, it dragged
    # every later line with it.
    body = "<p>Intro.</p>\n<p>&eacute; is a letter.</p>\n<p>What is it?</p>\n<p>An é.</p>\n"
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == ["Intro.", "", "é is a letter.", "", "What is it?", "", "An é."]
    assert doc.line_map == (1, 1, 2, 2, 3, 3, 4)


def test_html_pre_becomes_fence_keeping_indentation(tmp_path: Path) -> None:
    body = (
        "<p>Reverse a list:</p>\n"
        '<pre><code class="language-python">def rev(xs):\n'
        "    if not xs:\n"
        "        return []\n"
        "\n"
        "\n"
        "    return xs[::-1]  # *not* emphasis, keep_underscores\n"
        "</code></pre>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "Reverse a list:",
        "",
        "```python",
        "def rev(xs):",
        "    if not xs:",
        "        return []",
        "",
        "",
        "    return xs[::-1]  # *not* emphasis, keep_underscores",
        "```",
    ]
    assert line_of(doc, "def rev") == 2
    assert line_of(doc, "return []") == 4
    assert line_of(doc, "return xs") == 7
    assert_valid_map(doc)


def test_html_pre_with_backticks_and_bare_code_block(tmp_path: Path) -> None:
    body = "<pre>\n  a = '```'\n</pre>\n<code>\nx = 1\n  y = 2\n</code>\n"
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == ["````", "  a = '```'", "````", "", "```", "x = 1", "  y = 2", "```"]
    assert line_of(doc, "a = ") == 2
    assert line_of(doc, "y = 2") == 6


def test_html_details_summary(tmp_path: Path) -> None:
    body = (
        "<details>\n"
        "  <summary>Q?</summary>\n"
        "  <p>A</p>\n"
        "</details>\n"
        "<details><summary>What is <em>bagging</em>?</summary>Bootstrap\naggregating.</details>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines == [
        "**Q?**",
        "",
        "A",
        "",
        "**What is bagging?**",
        "",
        "Bootstrap",
        "aggregating.",
    ]
    assert doc.line_map == (2, 2, 3, 3, 5, 5, 5, 6)


def test_html_links_paragraphs_and_line_breaks(tmp_path: Path) -> None:
    body = (
        "<p>See the <a href='https://en.wikipedia.org/wiki/ROC'>ROC article</a>\n"
        "and the <a href='#glossary'>glossary</a>.</p>\n"
        "<p>Q: Why?<br>\n"
        "A: Because.</p>\n"
    )
    doc, _ = html_doc(tmp_path, body)
    assert doc.lines[0] == "See the [ROC article](https://en.wikipedia.org/wiki/ROC)"
    assert doc.lines[1] == "and the glossary."
    assert doc.lines[2] == ""
    assert doc.lines[3].rstrip() == "Q: Why?"
    assert doc.lines[4] == "A: Because."
    assert doc.line_map == (1, 2, 2, 3, 4)


def test_html_fragment_crlf_and_cp1252(tmp_path: Path) -> None:
    raw = "<h3>Caf\u00e9 question</h3>\r\n<p>Na\u00efve\u2019s answer</p>\r\n".encode("cp1252")
    doc = read_document(write(tmp_path / "frag.htm", raw))
    assert doc.lines == ["### Café question", "", "Naïve’s answer"]
    assert doc.line_map == (1, 1, 2)
    assert doc.warnings == ("frag.htm: not valid UTF-8, decoded as cp1252",)


def test_html_declared_charset_is_used_without_warning(tmp_path: Path) -> None:
    raw = '<meta charset="iso-8859-7"><p>\u03b1\u03bb\u03c6\u03b1</p>'.encode("iso-8859-7")
    doc = read_document(write(tmp_path / "greek.html", raw))
    assert doc.text == "\u03b1\u03bb\u03c6\u03b1"
    assert doc.warnings == ()


FAQ_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Data Science Interview FAQ | Example Corp</title>
  <link rel="stylesheet" href="/site.css">
  <script async src="https://www.googletagmanager.com/gtag/js?id=G-XYZ"></script>
  <script type="application/ld+json">{"@type": "FAQPage", "mainEntity": []}</script>
</head>
<body class="page faq">
  <header class="site-header">
    <nav class="menu">
      <ul><li><a href="/">Home</a></li><li><a href="/blog">Blog</a></li></ul>
    </nav>
  </header>
  <main id="content">
    <h1 class="title">Data Science Interview FAQ</h1>
    <p class="lead">Answers to the questions we hear most.
       Last updated&nbsp;2024.</p>
    <section id="statistics">
      <h2>Statistics</h2>
      <div class="faq-item" itemscope itemtype="https://schema.org/Question">
        <h3 itemprop="name">1. What is a p-value?</h3>
        <div itemprop="acceptedAnswer">
          <p>The probability of seeing data at least this extreme
             if the null hypothesis were true.</p>
          <p>It is <strong>not</strong> the probability that the null is true.</p>
        </div>
      </div>
      <div class="faq-item">
        <h3>2. How do you handle class imbalance?</h3>
        <ul>
          <li>Resample: oversample the minority class (e.g. <code>SMOTE</code>).</li>
          <li>Reweight the loss.</li>
          <li>Pick metrics that survive imbalance:
            <ul>
              <li>precision/recall</li>
              <li>PR-AUC</li>
            </ul>
          </li>
        </ul>
      </div>
    </section>
    <section id="coding">
      <h2>Coding</h2>
      <details class="accordion">
        <summary>3. How do you compute a moving average in pandas?</summary>
        <p>Use a rolling window:</p>
        <pre><code class="language-python">import pandas as pd

s = pd.Series(values)
ma = s.rolling(window=3).mean()
if ma.isna().any():
    ma = ma.fillna(0)
</code></pre>
      </details>
      <details class="accordion">
        <summary>4. Compare L1 and L2 regularization.</summary>
        <table class="compare">
          <thead><tr><th>Penalty</th><th>Effect</th></tr></thead>
          <tbody>
            <tr><td>L1</td><td>sparse weights</td></tr>
            <tr><td>L2</td><td>small weights</td></tr>
          </tbody>
        </table>
      </details>
    </section>
  </main>
  <footer><p>&copy; 2024 Example Corp. <a href="/privacy">Privacy</a></p></footer>
  <script>window.dataLayer = window.dataLayer || [];</script>
</body>
</html>
"""


def test_realistic_faq_page(tmp_path: Path) -> None:
    doc, src = html_doc(tmp_path, FAQ_PAGE, name="faq.html")
    assert doc.lines == [
        "# Data Science Interview FAQ",
        "",
        "Answers to the questions we hear most.",
        "Last updated 2024.",
        "",
        "## Statistics",
        "",
        "### 1. What is a p-value?",
        "",
        "The probability of seeing data at least this extreme",
        "if the null hypothesis were true.",
        "",
        "It is **not** the probability that the null is true.",
        "",
        "### 2. How do you handle class imbalance?",
        "",
        "- Resample: oversample the minority class (e.g. `SMOTE`).",
        "- Reweight the loss.",
        "- Pick metrics that survive imbalance:",
        "  - precision/recall",
        "  - PR-AUC",
        "",
        "## Coding",
        "",
        "**3. How do you compute a moving average in pandas?**",
        "",
        "Use a rolling window:",
        "",
        "```python",
        "import pandas as pd",
        "",
        "s = pd.Series(values)",
        "ma = s.rolling(window=3).mean()",
        "if ma.isna().any():",
        "    ma = ma.fillna(0)",
        "```",
        "",
        "**4. Compare L1 and L2 regularization.**",
        "",
        "| Penalty | Effect |",
        "| --- | --- |",
        "| L1 | sparse weights |",
        "| L2 | small weights |",
    ]
    assert_valid_map(doc)
    assert doc.n_lines == len(src) - 1  # the page ends with a newline
    # Every non-blank output line points at the source line holding its first words.
    for text, line in zip(doc.lines, doc.line_map, strict=True):
        words = text.strip("#*-|` ").split(" ")[0]
        if text.strip() and not text.startswith(("```", "| ---")):
            assert words.replace("**", "") in src[line - 1], (text, line, src[line - 1])
    assert "googletagmanager" not in doc.text and "Privacy" not in doc.text
