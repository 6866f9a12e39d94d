"""The running app in a real headless Chromium: ask, follow a concept, search concepts, evaluate,
and show a hostile answer without fetching or running anything.

Uses the Debian `chromium` package (`/usr/bin/chromium`, installed by .ci/run), driven by
Playwright with `executable_path`, so no browser is downloaded. Screenshots go to
`test-artifacts/` (or $QAGRAPH_TEST_ARTIFACTS) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from qagraph.encoders import EncoderConfig
from qagraph.ingest.pipeline import IngestConfig, ingest
from qagraph.ui.app import launch
from qagraph.ui.state import AppState

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("QAGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("QAGRAPH_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def app_url(
    ui_store: Path, tmp_path_factory: pytest.TempPathFactory, hashing_encoder
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(ui_store, root / "store")
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(root / "gradio"))
    state = AppState(root / "store", encoder=hashing_encoder)
    demo, _, url = launch(state, port=None, prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()
        mp.undo()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: install the Debian package `chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def open_page(browser, url: str):
    """A page on `url` recording in `page.outside` every request that leaves the machine."""
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    page.set_default_timeout(TIMEOUT_MS)
    page.outside = []  # requests leaving the machine: there must be none
    local = urlparse(url).hostname

    def watch(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != local:
            page.outside.append(request.url)

    page.on("request", watch)
    page.response = page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea")
    return page


@pytest.fixture(scope="module")
def page(browser, app_url: str):
    page = open_page(browser, app_url)
    yield page
    page.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_1_ask_and_see_the_cited_answer(page) -> None:
    page.fill("#question textarea", "What is the difference between L1 and L2 regularization?")
    page.keyboard.press("Enter")
    answer = page.locator("#chat .bot").last
    expect(answer).to_contain_text("— 000_bf0be15a9e8227b4.txt · lines 5–8")
    assert "The sources disagree" in answer.inner_text()
    sources = page.locator("#sources")
    assert "Original text, lines 5–8" in sources.inner_text()
    page.wait_for_timeout(300)
    shot(page, "01-chat-answer")


def test_2_click_a_related_concept(page) -> None:
    button = page.locator("#chat button.option").get_by_text("l2 regularization", exact=True)
    button.click()
    expect(page.locator("#chat .user").nth(1)).to_have_text("l2 regularization")
    expect(page.locator("#chat .bot").nth(1)).to_contain_text("— ")  # a cited answer
    expect(page.locator("#sources")).to_contain_text("Sources for: l2 regularization")
    page.wait_for_timeout(300)
    shot(page, "02-related-concept")


def test_3_follow_up(page) -> None:
    page.fill("#question textarea", "why?")
    page.keyboard.press("Enter")
    expect(page.locator("#chat .bot").nth(2)).to_contain_text("Read as: “why l2 regularization?”")
    page.wait_for_timeout(300)
    shot(page, "02b-follow-up")
    # Clicking an earlier answer brings its sources back into the panel.
    page.locator("#chat .bot").first.click()
    expect(page.locator("#sources")).to_contain_text(
        "Sources for: What is the difference between L1 and L2 regularization?"
    )


def test_4_concept_tab(page) -> None:
    page.get_by_role("tab", name="Concepts").click()
    # Typed key by key, as a person would: autocomplete listens to keystrokes.
    page.locator("#concept-search textarea").press_sequentially("regularizaton", delay=30)
    expect(page.locator("#concept-suggestions")).to_contain_text("l1 regularization")
    page.keyboard.press("Enter")
    expect(page.locator("#concept-card h2")).to_have_text("regularization")
    expect(page.locator("#concept-card")).to_contain_text("Narrower:")
    page.locator("#concept-graph .js-plotly-plot").wait_for()
    page.locator("#concept-neighbours").get_by_text("overfitting", exact=True).click()
    expect(page.locator("#concept-card h2")).to_have_text("overfitting")
    page.wait_for_timeout(500)
    shot(page, "03-concepts")


def test_5_contradictions_tab(page) -> None:
    page.get_by_role("tab", name="Contradictions").click()
    page.locator("#contradiction-a mark").first.wait_for()
    assert page.locator("#contradiction-b mark").count() >= 1
    shot(page, "04-contradictions")


def test_6_run_the_evaluation(page) -> None:
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#eval-split").get_by_label("dev").check()
    page.locator("#eval-variants").get_by_label("hybrid+graph").uncheck()
    page.locator("#eval-run").click()
    expect(page.locator("#eval-summary")).to_contain_text("queries", timeout=180_000)
    for text in ("Hit@1", "lexical", "dense", "hybrid"):
        expect(page.locator("#eval-table")).to_contain_text(text)
    page.locator("#eval-chart .js-plotly-plot").wait_for()
    page.wait_for_timeout(500)
    shot(page, "05-evaluation")


def test_7_sources_tab_and_no_request_left_the_machine(page) -> None:
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#sources-table")).to_contain_text("000_bf0be15a9e8227b4.txt")
    shot(page, "06-sources")
    assert page.outside == []


# An answer written to make every reader's browser call out (a tracking pixel, a remote
# markdown image, a CSS background) or run code (script, handler, javascript: links).
PIXEL = "http://198.51.100.7/pixel.png"
HOSTILE_QUESTION = "What does a tracking pixel look like?"
HOSTILE_DOC = f"""Q: {HOSTILE_QUESTION}
A one-pixel image: <img src={PIXEL} onerror="window.__pwned = 'onerror'" width=1>
or in markdown ![pixel](https://198.51.100.8/p.png) inside a page.
<script>window.__pwned = 'script'</script>
<div style="background-image: url(http://198.51.100.9/bg.png)">styled</div>
Click [here](javascript:window.__pwned='markdown-link') or
<a href="javascript:window.__pwned='html-link'">here</a>.
<img src=x onerror="window.__pwned = 'onerror-local'">

Q: What is overfitting?
A model that memorises the noise of its training data instead of the signal.

Q: What is a confusion matrix?
A table of true positives, false positives, true negatives and false negatives.
"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory, hashing_encoder) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile")
    (root / "docs").mkdir()
    (root / "docs" / "pixel.md").write_text(HOSTILE_DOC, encoding="utf-8")
    config = IngestConfig(encoder=EncoderConfig(model=hashing_encoder.name), progress=False)
    assert ingest([root / "docs"], store=root / "store", config=config).ok
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(root / "gradio"))
    state = AppState(root / "store", encoder=hashing_encoder)
    demo, _, url = launch(state, port=None, prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()
        mp.undo()


def test_8_a_hostile_answer_fetches_and_runs_nothing(browser, hostile_url: str) -> None:
    page = open_page(browser, hostile_url)
    try:
        page.fill("#question textarea", HOSTILE_QUESTION)
        page.keyboard.press("Enter")
        answer = page.locator("#chat .bot").last
        expect(answer).to_contain_text("— pixel.md")
        # Remote images are links naming their host, which the reader may choose to follow.
        pixel = answer.get_by_text("[image: 198.51.100.7/pixel.png]")
        expect(pixel).to_have_attribute("href", PIXEL)
        expect(answer).to_contain_text("[image: 198.51.100.8/p.png]")
        expect(answer).to_contain_text("<script>window.__pwned = 'script'</script>")
        # Show the sources too, and give late loads and handlers time to fire.
        expect(page.locator("#sources")).to_contain_text("Original text")
        page.wait_for_timeout(1500)
        shot(page, "07-hostile-answer")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        hrefs = answer.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert not [h for h in hrefs if h.lower().startswith("javascript:")]
        # Nothing left the machine: not even a request the page's policy would block.
        assert page.outside == []
        policy = page.response.headers["content-security-policy"]
        assert "img-src 'self' data: blob:" in policy
    finally:
        page.close()


# Three answers to one question: two say one thing in other words, two disagree in meaning
# without a negation or a number in common.
COMPARE_DOCS = {
    "a.md": "## How does k-means clustering work?\n\nK-means assigns each point to the nearest "
    "centroid and moves each centroid to the mean of its points. K-means always finds the "
    "best clustering. The number of clusters is chosen before training.\n",
    "b.md": "## How does the k-means algorithm work?\n\nK-means assigns every point to its "
    "closest centroid, then recomputes each centroid as the mean of its points. K-means can "
    "get stuck in a local optimum, so it is run several times from different initial "
    "centroids.\n",
    "c.md": "## How does k-means clustering work?\n\nEach point goes to the nearest centroid, "
    "and each centroid moves to the mean of its points. The algorithm stops when no point "
    "changes cluster.\n",
}


@pytest.fixture(scope="module")
def compare_url(tmp_path_factory: pytest.TempPathFactory, minilm_encoder) -> Iterator[str]:
    root = tmp_path_factory.mktemp("compare")
    (root / "docs").mkdir()
    for name, text in COMPARE_DOCS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    config = IngestConfig(encoder=EncoderConfig(), progress=False)
    assert ingest([root / "docs"], store=root / "store", config=config).ok
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(root / "gradio"))
    state = AppState(root / "store", encoder=minilm_encoder)
    demo, _, url = launch(state, port=None, prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()
        mp.undo()


def test_9_compare_answers_side_by_side(browser, compare_url: str) -> None:
    page = open_page(browser, compare_url)
    try:
        page.get_by_role("tab", name="Contradictions").click()
        # The flag ingest found is listed under its kind.
        expect(page.locator("#contradiction-kind")).to_contain_text("quantifier (1)")
        page.locator("#compare-picker input").click()
        page.get_by_role("option", name="How does k-means clustering work? (3 answers").click()
        view = page.locator("#compare-view")
        # Every source's answer, cited.
        for name in COMPARE_DOCS:
            expect(view).to_contain_text(f"{name}, lines")
        # Claims every answer makes are marked as shared, the two in conflict as such.
        expect(view.locator("ins").first).to_contain_text("centroid")
        conflict = view.locator("mark")
        expect(conflict.first).to_be_visible()
        marked = " ".join(conflict.all_inner_texts())
        assert "K-means always finds the best clustering." in marked
        assert "K-means can get stuck in a local optimum" in marked
        summary = page.locator("#compare-summary")
        expect(summary).to_contain_text("3 answers")
        expect(summary).to_contain_text("quantifier")
        page.wait_for_timeout(300)
        shot(page, "08-compare-answers")
        # The flag is not a conflict for this reader: marked, it leaves the list.
        page.locator("#mark-note textarea").fill("one is about a single run")
        page.locator("#mark-flag").click()
        expect(page.locator("#mark-status")).to_contain_text("not a conflict")
        expect(page.locator("#contradictions-summary")).to_contain_text("No contradictions")
        expect(page.locator("#marked-flags")).to_contain_text("Marked not a conflict (1)")
        assert page.outside == []
    finally:
        page.close()
