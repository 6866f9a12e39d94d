"""Web pages by URL: fetched from a local server within limits, kept in the store as
fetched, cited by URL, and read exactly as the same page saved to a file."""

from __future__ import annotations

from pathlib import Path

import pytest
import webserver
from docmaker import make_pdf

from qagraph.cli import main
from qagraph.encoders import EncoderConfig
from qagraph.ingest import web
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ingest.web import FetchConfig, FetchError, fetch, is_url, split_urls
from qagraph.kb import Store
from qagraph.retrieval import citation

QUIET = IngestConfig(encoder=EncoderConfig(model="hashing"), progress=False)

# A page as a browser saves it: site furniture around the content.
SAVED_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ML interview FAQ</title>
  <script>window.dataLayer = [];</script>
</head>
<body>
  <div class="cookie-banner">We use cookies. Do you accept?</div>
  <header class="site-header">
    <a href="/">Home</a>
    <nav><ul><li><a href="/blog">Blog</a></li><li><a href="/about">About us?</a></li></ul></nav>
  </header>
  <main>
    <h1>Machine learning interview FAQ</h1>
    <!-- What is hidden in a comment? Nothing that is read. -->
    <h2>What is overfitting?</h2>
    <p>A model that fits the noise in its training data instead of the signal,
       so it does well in training and badly on new data.</p>
    <h2>How do you handle class imbalance?</h2>
    <ul>
      <li>Resample the classes.</li>
      <li>Reweight the loss.</li>
    </ul>
    <h2>What is a kernel?</h2>
    <p>A similarity function between two points.</p>
  </main>
  <aside>
    <h2>Why subscribe?</h2>
    <p>Get the newsletter every week.</p>
  </aside>
  <section id="comments"><h3>Is this right?</h3><p>Great post!</p></section>
  <footer><p>Who are we? (c) 2024</p></footer>
</body>
</html>
"""
QUESTIONS = ["What is overfitting?", "How do you handle class imbalance?", "What is a kernel?"]


@pytest.fixture(scope="module")
def server():
    with webserver.running() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clean_routes(server):
    server.routes.clear()
    yield
    server.routes.clear()


def fields(nodes):
    return [(n.question, n.answer, n.line_start, n.line_end, n.section) for n in nodes]


# -- fetching --------------------------------------------------------------------------------


def test_urls_are_told_from_paths() -> None:
    assert is_url("https://ex.org/a") and is_url("HTTP://ex.org") and not is_url("faq.html")
    assert not is_url(Path("https://ex.org"))  # a Path is a file, whatever it is called
    urls, others = split_urls(["a.md", "https://ex.org/a#part", "https://ex.org/a", Path("b")])
    assert urls == ["https://ex.org/a"] and others == ["a.md", Path("b")]


def test_the_same_page_by_url_and_from_the_saved_file_gives_the_same_nodes(
    server, tmp_path: Path
) -> None:
    saved = tmp_path / "faq.html"
    saved.write_text(SAVED_PAGE, encoding="utf-8")
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    url = server.url("/faq")
    by_url = ingest([url], store=tmp_path / "a", config=QUIET)
    by_file = ingest([str(saved)], store=tmp_path / "b", config=QUIET)
    assert by_url.ok and by_file.ok, (by_url.reports, by_file.reports)
    assert [r.line() for r in by_url.reports] == [f"{url}: 3 nodes, 0 unanswered, 0 warnings"]
    with Store(tmp_path / "a").open() as a, Store(tmp_path / "b").open() as b:
        assert fields(a.nodes()) == fields(b.nodes())
        # Only the main content: no cookie notice, menu, aside, comments or footer.
        assert [n.question for n in a.nodes()] == QUESTIONS
        node = a.nodes()[0]
        assert node.source == url and citation(node).startswith(f"{url}, ")
        [source] = a.sources()
        assert source.name == url and source.path == url
        # The page as fetched is kept in the generation, under snapshots/.
        kept = a.snapshot(url)
        assert kept is not None and kept.parent == a.path / "snapshots"
        assert kept.read_text(encoding="utf-8") == SAVED_PAGE
        info = a.snapshots()[url]
        assert info["content_type"] == "text/html" and info["final_url"] == url
        assert a.verify() == []


def test_a_url_in_the_store_is_read_from_its_copy_unless_refreshed(server, tmp_path) -> None:
    url = server.url("/faq")
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    store = tmp_path / "store"
    assert ingest([url], store=store, config=QUIET).ok
    changed = SAVED_PAGE.replace("What is a kernel?", "What is an SVM kernel?")
    server.routes["/faq"] = webserver.page(changed)
    server.requests.clear()
    again = ingest([url], store=store, config=QUIET)
    assert again.ok and server.requests == []  # nothing fetched
    assert len(again.notes) == 1 and "using the copy fetched" in again.notes[0]
    with Store(store).open() as kb:
        assert [n.question for n in kb.nodes()][-1] == "What is a kernel?"
        assert kb.snapshot(url).parent.parent == kb.path  # carried into the new generation
    fresh = ingest([url], store=store, config=QUIET, refresh=True)
    assert fresh.ok and server.requests == ["/faq"] and fresh.notes == ()
    with Store(store).open() as kb:
        assert [n.question for n in kb.nodes()][-1] == "What is an SVM kernel?"
        assert "SVM kernel" in kb.snapshot(url).read_text(encoding="utf-8")


def test_add_keeps_other_pages_with_their_copies(server, tmp_path) -> None:
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    server.routes["/notes.md"] = webserver.page(
        "# Notes\n\n## What is PCA?\n\nA projection onto the directions of most variance.\n",
        "text/plain; charset=utf-8",
    )
    store = tmp_path / "store"
    assert ingest([server.url("/faq")], store=store, config=QUIET).ok
    del server.routes["/faq"]  # no longer served: its copy must do
    assert ingest([server.url("/notes.md")], store=store, config=QUIET, add=True).ok
    with Store(store).open() as kb:
        assert set(kb.snapshots()) == {server.url("/faq"), server.url("/notes.md")}
        for name in kb.snapshots():
            assert kb.snapshot(name).is_file() and kb.snapshot(name).parent.parent == kb.path
        # Served as text/plain, read by its URL's suffix as markdown.
        [pca] = kb.nodes(source=server.url("/notes.md"))
        assert pca.question == "What is PCA?" and pca.section == "Notes"
        assert kb.snapshot(server.url("/notes.md")).suffix == ".md"
        assert kb.verify() == []


def test_a_pdf_by_url_is_cited_by_page(server, tmp_path) -> None:
    data = make_pdf(
        [
            [("1. What is AUC?", 12, "B"), ("The area under the ROC curve.", 11, "R")],
            [("2. What is recall?", 12, "B"), ("The share of positives found.", 11, "R")],
        ]
    )
    server.routes["/faq.pdf"] = webserver.page(data, "application/pdf")
    server.routes["/download"] = webserver.page(data, "application/pdf")
    server.routes["/raw/faq.pdf"] = webserver.page(data, "application/octet-stream")
    store = tmp_path / "store"
    urls = [server.url(p) for p in ("/faq.pdf", "/download", "/raw/faq.pdf")]
    result = ingest(urls, store=store, config=QUIET)
    assert result.ok and all(r.nodes == 2 for r in result.reports), result.reports
    with Store(store).open() as kb:
        node = kb.nodes(source=urls[0])[1]
        assert citation(node) == f"{urls[0]} #2, p. 2, lines 1-2"
        assert {kb.snapshot(u).suffix for u in urls} == {".pdf"}


def test_the_charset_the_server_names_is_used(server, tmp_path) -> None:
    text = "## What is a café?\n\nA place for coffee, naïvely put.\n"
    server.routes["/c.md"] = webserver.page(
        text.encode("latin-1"), "text/markdown; charset=latin-1"
    )
    result = ingest([server.url("/c.md")], store=tmp_path / "s", config=QUIET)
    assert result.ok and result.reports[0].warnings == ()
    with Store(tmp_path / "s").open() as kb:
        [node] = kb.nodes()
        assert node.question == "What is a café?" and "naïvely" in node.answer


def test_redirects_are_followed_a_few_times(server) -> None:
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    for i in range(1, 6):
        server.routes[f"/r{i}"] = webserver.redirect(f"/r{i - 1}" if i > 1 else "/faq")
    fetched = fetch(server.url("/r5"))  # five redirects: the limit
    assert fetched.info["final_url"] == server.url("/faq") and fetched.suffix == ".html"
    server.routes["/r6"] = webserver.redirect("/r5")
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(server.url("/r6"))


# -- one line per failure --------------------------------------------------------------------


def one_line(message: str) -> str:
    assert "\n" not in message and "Traceback" not in message
    return message


def test_slow_server_times_out(server, monkeypatch) -> None:
    monkeypatch.setattr(web, "TIMEOUT", 0.3)
    server.routes["/slow"] = webserver.slow(2.0, webserver.page(SAVED_PAGE))
    with pytest.raises(FetchError) as info:
        fetch(server.url("/slow"))
    assert one_line(str(info.value)) == (
        f"{server.url('/slow')}: timed out: no answer from the server within 0.3 s"
    )


def test_a_server_trickling_bytes_hits_the_total_timeout(server) -> None:
    server.routes["/drip"] = webserver.endless(10_000, declare=False, chunk=10, pause=0.05)
    with pytest.raises(FetchError, match=r"timed out: the download took over 0.5 s"):
        fetch(server.url("/drip"), FetchConfig(total_timeout=0.5))


@pytest.mark.parametrize("declare", [True, False], ids=["declared", "streamed"])
def test_a_50_mb_response_is_refused(server, declare: bool) -> None:
    server.routes["/big"] = webserver.endless(50_000_000, declare=declare)
    with pytest.raises(FetchError) as info:
        fetch(server.url("/big"))
    message = one_line(str(info.value))
    if declare:  # refused before the body is read
        assert message == f"{server.url('/big')}: the page is 50 MB, over the 10 MB limit"
    else:  # refused as it streams in
        assert message == f"{server.url('/big')}: the page is over the 10 MB limit"


def test_a_redirect_loop_is_one_line(server) -> None:
    server.routes["/loop"] = webserver.redirect("/loop")
    with pytest.raises(FetchError) as info:
        fetch(server.url("/loop"))
    assert one_line(str(info.value)).endswith("too many redirects (more than 5); a loop?")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/logo.png", "image/png"), ("/tool.bin", "application/octet-stream"), ("/x", "")],
)
def test_a_binary_content_type_is_refused(server, path: str, content_type: str) -> None:
    server.routes[path] = webserver.page(b"\x89PNG\r\n\x1a\n\0\0", content_type)
    with pytest.raises(FetchError) as info:
        fetch(server.url(path))
    message = one_line(str(info.value))
    assert f"{server.url(path)}: unsupported content type" in message
    assert "(supported: text/html, application/xhtml+xml, text/markdown" in message


def test_http_errors_and_bad_addresses(server) -> None:
    with pytest.raises(FetchError, match=r"/missing: the server answered HTTP 404 Not Found$"):
        fetch(server.url("/missing"))
    with pytest.raises(FetchError, match=r"^ftp://ex.org/a: not an http or https address$"):
        fetch("ftp://ex.org/a")
    with pytest.raises(FetchError, match=r"cannot fetch the page"):
        fetch("http://127.0.0.1:9/nothing-listens-here")


def test_failures_are_reported_per_url_and_the_rest_is_ingested(server, tmp_path) -> None:
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    server.routes["/loop"] = webserver.redirect("/loop")
    result = ingest([server.url("/loop"), server.url("/faq")], store=tmp_path / "s", config=QUIET)
    assert result.ok and result.nodes == 3
    lines = [r.line() for r in result.reports]
    assert f"{server.url('/loop')}: skipped: too many redirects (more than 5); a loop?" in lines


CASES = {
    # (not named "slow": a test whose id says so is skipped as a slow test)
    "timeout": (lambda: webserver.slow(2.0, webserver.page(SAVED_PAGE)), "timed out: no answer"),
    "big": (lambda: webserver.endless(50_000_000, declare=True), "the page is 50 MB, over"),
    "loop": (lambda: webserver.redirect("/loop"), "too many redirects"),
    "binary": (lambda: webserver.page(b"\0\1\2", "image/png"), "unsupported content type"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_failures_are_one_line_each(server, tmp_path, capsys, monkeypatch, case) -> None:
    monkeypatch.setattr(web, "TIMEOUT", 0.3)
    route, reason = CASES[case]
    path = "/loop" if case == "loop" else f"/{case}"
    server.routes[path] = route()
    url = server.url(path)
    store = tmp_path / "store"
    status = main(["ingest", url, "--store", str(store), "--model", "hashing", "--no-progress"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"{url}: skipped: ") and reason in lines[0]
    assert lines[1] == "qagraph: error: nothing could be ingested"
    assert not store.exists() or not Store(store).exists


def test_cli_ingests_a_url_and_reuses_it(server, tmp_path, capsys) -> None:
    server.routes["/faq"] = webserver.page(SAVED_PAGE)
    url = server.url("/faq")
    args = ["ingest", url, "--store", str(tmp_path / "s"), "--model", "hashing", "--no-progress"]
    assert main(args) == 0
    out, _ = capsys.readouterr()
    assert f"{url}: 3 nodes, 0 unanswered, 0 warnings" in out
    assert main(args) == 0
    _, err = capsys.readouterr()
    assert f"qagraph: {url}: using the copy fetched " in err and "(--refresh" in err
    server.requests.clear()
    assert main([*args, "--refresh"]) == 0
    assert server.requests == ["/faq"]
