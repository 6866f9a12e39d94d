"""The launched app, driven through its API with gradio_client (no browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import kbfixture
import pytest
import webserver
from gradio_client import Client, handle_file

from qagraph.ui.app import launch
from qagraph.ui.handlers import contradictions
from qagraph.ui.handlers.sources import MAX_UPLOAD_BYTES
from qagraph.ui.state import AppState


def _text(message: dict) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(c.get("text", "") for c in content)


@pytest.fixture(scope="module")
def served(
    ui_store: Path, tmp_path_factory: pytest.TempPathFactory, hashing_encoder
) -> Iterator[tuple[AppState, str]]:
    root = tmp_path_factory.mktemp("served")
    store = root / "store"
    shutil.copytree(ui_store, store)
    mp = pytest.MonkeyPatch()
    mp.setenv("GRADIO_TEMP_DIR", str(root / "gradio"))
    state = AppState(store, encoder=hashing_encoder)
    demo, _, url = launch(state, port=None, prevent_thread_lock=True, quiet=True)
    try:
        yield state, url
    finally:
        demo.close()
        mp.undo()


@pytest.fixture()
def client(served) -> Client:
    return Client(served[1], verbose=False)


def test_the_page_forbids_loading_from_other_hosts(served) -> None:
    # The second wall behind the sanitizer: a remote image or script in an answer that
    # slipped through would still not load.
    import httpx

    response = httpx.get(served[1])
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data: blob:" in policy
    assert "connect-src 'self'" in policy and "object-src 'none'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"


def test_ask_returns_the_cited_answer_and_its_sources(client: Client) -> None:
    history, sources, box = client.predict(
        "What is the difference between L1 and L2 regularization?", [], api_name="/ask"
    )
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    answer = history[-1]
    assert "— **000_bf0be15a9e8227b4.txt** · lines 5–8" in _text(answer)
    assert "⚠ **The sources disagree.**" in _text(answer)
    assert {"label": "l2 regularization", "value": "l2 regularization"} in answer["options"]
    assert sources.startswith("**Sources for:**") and "Original text, lines 5–8" in sources


def test_a_follow_up_in_the_same_session_uses_the_last_topic(client: Client) -> None:
    history, _, _ = client.predict("What is L1 regularization?", [], api_name="/ask")
    history, _, _ = client.predict("and what about L2?", history, api_name="/ask")
    assert len(history) == 4
    assert _text(history[-1]).startswith("*Read as:* “What is L2 regularization?”")


def test_concept_lookup(client: Client) -> None:
    name, card, nodes, plot, _ = client.predict("regularizaton", api_name="/concept")
    assert name == "regularization" and card.startswith("## regularization")
    assert "#### 000_bf0be15a9e8227b4.txt" in nodes
    assert plot["type"] == "plotly"
    update = client.predict("drop", api_name="/suggest_concepts")
    assert ["dropout", "dropout"] in update["choices"]


def test_contradiction_detail(served, client: Client) -> None:
    flags = contradictions.flags(served[0].snapshot)
    number = next(f.number for f in flags if f.evidence_a == kbfixture.EVIDENCE_A)
    header, side_a, side_b = client.predict(number, api_name="/contradiction")
    assert "antonym contradiction" in header
    assert f"<mark>{kbfixture.EVIDENCE_A}</mark>" in side_a
    assert f"<mark>{kbfixture.EVIDENCE_B}</mark>" in side_b


def test_run_eval(client: Client) -> None:
    summary, table, plot, _, failures = client.predict(
        "bundled/queries.jsonl", "dev", ["lexical"], api_name="/run_eval"
    )
    assert "split **dev**" in summary
    assert table["headers"][:2] == ["variant", "Hit@1"] and table["data"][0][0] == "lexical"
    assert plot["type"] == "plotly"
    assert failures["headers"][0] == "query id"


def test_upload_adds_a_document_inside_the_store(served, client: Client, tmp_path) -> None:
    state, _ = served
    doc = tmp_path / "svm notes.md"
    doc.write_text("Q: What is a support vector?\nA training point on the margin.\n", "utf-8")
    status, files, summary, table, header = client.predict(
        [handle_file(str(doc))], api_name="/add_documents"
    )
    assert status.startswith("**Ingested.**") and "svm notes.md: 1 nodes" in status
    assert (state.store_path / "uploads" / "svm notes.md").is_file()
    assert "svm notes.md" in [row[0] for row in table["data"]]
    assert "6 sources" in header


def test_the_server_refuses_files_over_the_size_limit(client: Client, tmp_path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Q: x?\ny\n" * (MAX_UPLOAD_BYTES // 8 + 100))
    with pytest.raises(Exception, match="(?i)(too large|exceeds|size)"):
        client.predict([handle_file(str(big))], api_name="/add_documents")


def test_auth_is_required_when_set(ui_state, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    demo, _, url = launch(
        ui_state, port=None, auth=("ada", "lovelace"), prevent_thread_lock=True, quiet=True
    )
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare Exception
            Client(url, verbose=False).predict("what is dropout?", [], api_name="/ask")
        authed = Client(url, auth=("ada", "lovelace"), verbose=False)
        history, _, _ = authed.predict("what is dropout?", [], api_name="/ask")
        assert "dropout" in _text(history[-1]).lower()
    finally:
        demo.close()


def test_a_web_page_is_added_by_its_address(served, client: Client) -> None:
    page = "<html><body><main><h2>What is a margin?</h2><p>The gap.</p></main></body></html>"
    with webserver.running() as site:
        site.routes["/margin"] = webserver.page(page)
        url = site.url("/margin")
        status, files, summary, table, header, box = client.predict(url, False, api_name="/add_url")
    assert status.startswith("**Ingested.**") and f"{url}: 1 nodes" in status, status
    assert box == ""  # the address box is cleared once the page is in
    row = next(r for r in table["data"] if r[0] == url)
    assert row[5] == "web page"
    assert served[0].snapshot.kb.snapshot(url) is not None
