"""`qagraph serve`: options, loopback default, auth, and building a missing store."""

from __future__ import annotations

import pytest

from qagraph.cli import build_parser, main, serve_cmd
from qagraph.ui import app as ui_app


@pytest.fixture()
def launched(monkeypatch) -> list[dict]:
    """Record `launch` calls instead of serving forever."""
    calls: list[dict] = []

    def fake_launch(state, **kwargs):
        calls.append({"state": state, **kwargs})
        return None, None, "http://127.0.0.1:0/"

    monkeypatch.setattr(ui_app, "launch", fake_launch)
    return calls


def test_defaults_are_loopback_and_port_7860() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.auth) == ("127.0.0.1", 7860, None)


def test_bad_port_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["serve", "--port", "70000"])
    assert exit_info.value.code == 2
    assert "between 1 and 65535" in capsys.readouterr().err


def test_parse_auth() -> None:
    assert ui_app.parse_auth("ada:love:lace") == ("ada", "love:lace")
    assert ui_app.parse_auth(None) is None
    for bad in ("ada", ":x", "ada:"):
        with pytest.raises(ValueError, match="USER:PASSWORD"):
            ui_app.parse_auth(bad)


def test_serve_builds_a_missing_store_and_launches(tmp_path, launched, monkeypatch, capsys):
    monkeypatch.setenv("QAGRAPH_MODEL", "hashing")
    store = tmp_path / "store"
    status = main(["serve", "--store", str(store), "--port", "7999", "--auth", "ada:lovelace"])
    assert status == 0
    assert (store / "CURRENT").is_file()
    (call,) = launched
    assert call["host"] == "127.0.0.1" and call["port"] == 7999
    assert call["auth"] == ("ada", "lovelace")
    assert call["state"].store_path == store
    err = capsys.readouterr().err
    assert "building it from the bundled corpus" in err
    assert "qagraph: serving http://127.0.0.1:0/ (press Ctrl-C to stop)" in err


def test_a_public_host_without_auth_warns(ui_store, launched, capsys) -> None:
    assert main(["serve", "--store", str(ui_store), "--host", "0.0.0.0"]) == 0
    assert "without --auth" in capsys.readouterr().err
    assert launched[0]["host"] == "0.0.0.0" and launched[0]["auth"] is None


def test_auth_from_the_environment(ui_store, launched, monkeypatch, capsys) -> None:
    monkeypatch.setenv(serve_cmd.AUTH_ENV, "ada:lovelace")
    assert main(["serve", "--store", str(ui_store), "--host", "0.0.0.0"]) == 0
    assert launched[0]["auth"] == ("ada", "lovelace")
    assert "without --auth" not in capsys.readouterr().err


def test_bad_auth_is_a_one_line_error(ui_store, launched, capsys) -> None:
    assert main(["serve", "--store", str(ui_store), "--auth", "nopassword"]) == 2
    assert "qagraph: error: --auth must be USER:PASSWORD" in capsys.readouterr().err
    assert launched == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert serve_cmd._is_loopback(host) is loopback
