"""Stored answers shown in the app load nothing from elsewhere and run nothing.

Each hostile answer is rendered twice by a CommonMark renderer (markdown-it-py, standing in
for the browser's): as stored, where it holds remote images, scripts or handlers (so the
case is a real one), and after `safe_markdown`, where it must hold none.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from qagraph.ui import render
from qagraph.ui.sanitize import ZWSP, image_placeholder, safe_inline, safe_markdown, url_scheme

markdown_it = pytest.importorskip("markdown_it")

HOST = "http://198.51.100.7"
HOSTILE = [
    f'A pixel <img src="{HOST}/a.png" onerror="window.__pwned=1"> here.',
    f"<IMG SRC={HOST}/b.png> and <img\nsrc='{HOST}/newline.png'>",
    f'Markdown ![x]({HOST}/c.png "t") and ![y](<{HOST}/d e.png>).',
    f"![ref][pix] and ![pix] and ![pix][]\n\n[pix]: {HOST}/ref.png",
    "<script>window.__pwned=2</script> and <SCRIPT SRC=//198.51.100.7/x.js></SCRIPT>",
    "A [click](javascript:window.__pwned=3) link and [e](java&#115;cript:window.__pwned=4).",
    '<a href="javascript:window.__pwned=5">h</a> and <a href=" JAVASCRIPT:alert(1)">i</a>',
    "[x][bad]\n\n[bad]: javascript:window.__pwned=6",
    "<javascript:window.__pwned=7> and [d](data:text/html;base64,PHNjcmlwdD4=)",
    f'<div style="background-image:url({HOST}/e.png)" onclick="window.__pwned=8">x</div>',
    f'<svg><image href="{HOST}/f.png"/></svg> <video poster="{HOST}/g.png"></video>',
    f'<picture><source srcset="{HOST}/h.png"><img src="{HOST}/i.png"></picture>',
    f'<iframe src="{HOST}/"></iframe> <object data="{HOST}/o"></object> <embed src="{HOST}/e">',
    f'<link rel="stylesheet" href="{HOST}/s.css"><style>b{{background:url({HOST}/z.png)}}</style>',
    f'<table background="{HOST}/t.png"><tr><td background="{HOST}/td.png">cell</td></tr></table>',
    f"<div>\n`code` and \\<img src={HOST}/k.png>\n</div>",
    '<details open ontoggle="window.__pwned=9"><summary>s</summary><img src=x onerror=a()>',
    f"<div>\n```\n<img src={HOST}/n.png>\n```\n</div>",
    f"<b>\n```\n<img src={HOST}/t7.png>\n```\n</b>",
    f"- x\n  ```\n<img src={HOST}/lf.png>\n  ```",
    f"text\n    ```\n    a ``` <img src={HOST}/ind.png>\n    ```",
    f"[a](x`y) <img src={HOST}/dest.png> `",
    f'<div title="`"> ` <img src={HOST}/tick.png> `',
    f"| a | b |\n|---|---|\n| ![c]({HOST}/cell.png) | <img src={HOST}/cell2.png> |",
    f"[![badge]({HOST}/badge.png)](http://192.0.2.1/) <img src=//198.51.100.7/proto.png>",
    f'<form action={HOST}/f><input type="image" src="{HOST}/in.png"></form>',
    f'<meta http-equiv="refresh" content="0;url={HOST}/"> <base href="{HOST}/">',
    f'![x]({HOST}/a.png\n"title") and <![CDATA[<img src={HOST}/cd.png>]]>',
]
# Harmless as stored, but a careless rewrite (dropping the comment) would make a tag of it.
TRICKY = [f"<<!-- -->img src={HOST}/j.png>", f"!<!-- -->[x]({HOST}/c.png)"]
LOADING = ("src", "srcset", "poster", "background", "data", "action", "formaction", "style")
ACTIVE = frozenset(
    "img script iframe frame object embed link style svg math image video audio source "
    "picture input form button meta base".split()
)
SAFE = ("", "http", "https", "mailto")


def _render(text: str) -> BeautifulSoup:
    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda url: True  # see every link, as a browser's markdown may
    return BeautifulSoup(md.render(text), "html.parser")


def _dangers(text: str) -> list[str]:
    """What a browser would load or run in `text` rendered."""
    found = []
    for tag in _render(text).find_all(True):
        if tag.name in ACTIVE:
            found.append(f"<{tag.name}>")
        for name, value in tag.attrs.items():
            if name.startswith("on") or name in LOADING:
                found.append(f"{tag.name}[{name}]")
            elif name in ("href", "xlink:href") and url_scheme(str(value)) not in SAFE:
                found.append(f"{tag.name}[{name}={value}]")
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_answer_loads_and_runs_nothing_once_sanitized(text: str) -> None:
    assert _dangers(text), "the case should be dangerous as stored"
    assert _dangers(safe_markdown(text)) == []
    assert _dangers(render.quote(safe_markdown(text))) == []  # as the chat quotes it


@pytest.mark.parametrize("text", TRICKY)
def test_removing_a_comment_joins_nothing_into_a_tag(text: str) -> None:
    assert _dangers(safe_markdown(text)) == []


def test_a_remote_image_becomes_a_link_naming_its_host() -> None:
    out = safe_markdown(f"See ![chart]({HOST}/plots/p.png) and <img src='https://h.org/x.png'>.")
    links = _render(out).find_all("a")
    assert [a["href"] for a in links] == [f"{HOST}/plots/p.png", "https://h.org/x.png"]
    assert [a.get_text() for a in links] == [
        "[image: 198.51.100.7/plots/p.png]",
        "[image: h.org/x.png]",
    ]
    assert links[0]["title"] == "chart"


def test_local_and_embedded_images_become_plain_placeholders() -> None:
    # The app serves no file of the store, so an image beside the document cannot be shown.
    text = _render(safe_markdown("![a](img/p.png) ![b](data:image/png;base64,AAAA)")).get_text()
    assert text.strip() == "[image: img/p.png] [image: embedded data]"
    assert image_placeholder("javascript:alert(1)") == "&#91;image&#93;"


def test_scripts_and_unsafe_links_show_as_text() -> None:
    out = safe_markdown("<script>alert(1)</script> [go](javascript:alert(2)) [ok](https://a.b/)")
    html = _render(out)
    assert "<script>alert(1)</script>" in html.get_text()
    assert "[go](javascript:alert(2))" in html.get_text().replace(ZWSP, "")
    assert [a["href"] for a in html.find_all("a")] == ["https://a.b/"]


def test_formatting_survives() -> None:
    text = (
        '**Bold** and <b>tags</b>, a<br>break, <sup>2</sup>, [link](https://a.b/c "t").\n\n'
        "| a | b |\n|---|---|\n| 1<br>2 | `x<y` |\n\n"
        "```python\nif a < b and '<img src=x>':\n    pass\n```\n\n"
        '<details open><summary class="x">More</summary>\n\nhidden\n\n</details>'
    )
    out = safe_markdown(text)
    assert out.startswith("**Bold** and <b>tags</b>, a<br>break, <sup>2</sup>, [link](https:")
    assert "```python\nif a < b and '<img src=x>':\n    pass\n```" in out  # code verbatim
    assert "<details open><summary>More</summary>" in out  # attributes dropped, open kept
    html = _render(out)
    assert html.find("table") is not None
    assert html.find("code").get_text().replace(ZWSP, "") == "x<y"


def test_inline_code_is_unchanged_to_the_eye() -> None:
    out = safe_markdown("Use `<br>` or `![alt](url)` in markdown.")
    assert out != "Use `<br>` or `![alt](url)` in markdown."
    assert [c.get_text().replace(ZWSP, "") for c in _render(out).find_all("code")] == [
        "<br>",
        "![alt](url)",
    ]


def test_tags_are_balanced_and_stray_closers_dropped() -> None:
    # An unclosed <details> would fold the citation under it; a stray </details> would
    # close the app's own wrapper.
    assert safe_markdown("<details><summary>x") == "<details><summary>x</summary></details>"
    assert "</details>" not in safe_markdown("answer</details> more")


def test_mermaid_is_shown_as_code() -> None:
    # Mermaid labels and shapes (`A@{ img: "http://..." }`) load images when drawn.
    out = safe_markdown('```mermaid\nflowchart TD\n  A@{ img: "http://h/x.png" }\n```')
    assert out.startswith("```text\n")


def test_url_scheme_sees_through_obfuscation() -> None:
    assert url_scheme("java&#115;cript:alert(1)") == "javascript"
    assert url_scheme(" JaVa\tScRiPt:alert(1)") == "javascript"
    assert url_scheme("javascript\\:alert(1)") == "javascript"  # a markdown escape
    assert url_scheme("https://a.b") == "https" and url_scheme("img/p.png") == ""


def test_inline_text_escapes_emphasis_and_sanitizes() -> None:
    out = safe_inline("What is *x* and _y_?  <img src=http://h/p.png>")
    assert out.startswith('What is \\*x\\* and \\_y\\_? <a href="http://h/p.png">')


def test_rendered_answers_and_nodes_are_sanitized() -> None:
    from qagraph.kb import QANode

    node = QANode(
        id="qa_1", source="evil.md", number=None, section=None,
        question=f"What is ![q]({HOST}/q.png)?", answer=f"A <img src={HOST}/a.png> pixel.",
        line_start=1, line_end=2, answered=True, concepts=("pixel",),
    )  # fmt: skip
    for text in (
        render.answer_md(node),
        render.node_md(node, highlight="pixel."),
        render.source_entry_md(1, node, None),
        render.abstain_md("No answer.", [node]),
    ):
        assert _dangers(text) == [], text
    assert "<mark>pixel.</mark>" in render.node_md(node, highlight="pixel.")


@pytest.mark.parametrize(
    "text",
    ["`" * 20000, "<!--" * 5000, "```x\n" * 5000, ("  ```\nx\n") * 3000, "](" * 10000, "<" * 20000],
)
def test_long_degenerate_text_is_read_in_one_pass(text: str) -> None:
    # Each of these once took seconds (a regex or a scan restarted at every character).
    assert ZWSP not in text and len(safe_markdown(text)) >= len(text) // 2
