"""The app under load: N chat requests at once through the Gradio API.

`run_app` starts `qagraph serve` as a child process on a free loopback port with a store
built from the bundled corpus in a temporary folder, waits until it answers, sends N
questions at once to its `/ask` endpoint, then stops the server it started. Only
127.0.0.1 is ever contacted.

The questions go two ways. As N users: N requests to Gradio's REST API
(`/gradio_api/call/ask`, one session each, as N browsers would be), from one asyncio
client, which costs the shared CPU little. And as `gradio_client` sends them: one client,
one session, N jobs submitted together, whose client threads take their own share of
the same two cores.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from qagraph.errors import QagraphError

#: Longest wait for the server to answer (it builds the store first).
START_TIMEOUT_S = 900.0
#: Longest wait for all answers.
ANSWER_TIMEOUT_S = 900.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise QagraphError(f"qagraph serve exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "config", timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise QagraphError(f"qagraph serve did not answer within {timeout:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def _answer_text(result: Any) -> str:
    """The assistant's reply in what `/ask` returns (history, sources, textbox)."""
    history = result[0] if isinstance(result, (list, tuple)) and result else None
    if not isinstance(history, list) or not history:
        return ""
    last = history[-1]
    content = last.get("content") if isinstance(last, dict) else None
    if isinstance(content, list):
        content = " ".join(str(c.get("text", c) if isinstance(c, dict) else c) for c in content)
    return str(content or "") if isinstance(last, dict) and last.get("role") == "assistant" else ""


def _summary(
    requests: int, answered: int, failed: list[str], wall: float, latencies: list[float]
) -> dict[str, Any]:
    """The figures of one round of requests (the first ten failures named)."""
    import numpy as np

    def pct(q: float) -> float | None:
        return round(float(np.percentile(latencies, q)), 1) if latencies else None

    return {
        "requests": requests,
        "answered": answered,
        "failed": failed[:10],
        "wall_s": round(wall, 3),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "max_ms": round(max(latencies), 1) if latencies else None,
    }


def ask_concurrently(url: str, questions: list[str], timeout: float) -> dict[str, Any]:
    """Submit every question at once to `url`'s `/ask` and time each until its answer."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    done: dict[int, float] = {}
    lock = threading.Lock()

    def stamp(index: int):
        def callback(*_: Any) -> None:
            with lock:
                done.setdefault(index, time.perf_counter())

        return callback

    start = time.perf_counter()
    jobs = [
        client.submit(q, [], api_name="/ask", result_callbacks=[stamp(i)])
        for i, q in enumerate(questions)
    ]
    answered, failed, latencies = 0, [], []
    for i, job in enumerate(jobs):
        remaining = max(1.0, timeout - (time.perf_counter() - start))
        try:
            result = job.result(timeout=remaining)
        except Exception as exc:  # any failure is counted and named, not raised
            failed.append(f"{questions[i]!r}: {type(exc).__name__}: {exc}")
            continue
        finished = done.get(i, time.perf_counter())
        latencies.append((finished - start) * 1000)
        if _answer_text(result).strip():
            answered += 1
        else:
            failed.append(f"{questions[i]!r}: empty answer")
    wall = time.perf_counter() - start
    client.close() if hasattr(client, "close") else None
    return _summary(len(questions), answered, failed, wall, latencies)


def ask_as_users(url: str, questions: list[str], timeout: float) -> dict[str, Any]:
    """Send every question at once through the REST API, one session per question, and
    time each until its answer is complete."""
    import asyncio
    import json
    import uuid

    import httpx

    api = url.rstrip("/") + "/gradio_api/call/ask"
    run = uuid.uuid4().hex[:8]

    async def one(client: httpx.AsyncClient, i: int, start: float) -> tuple[float, str]:
        body = {"data": [questions[i], []], "session_hash": f"bench-{run}-{i}"}
        event = (await client.post(api, json=body)).raise_for_status().json()["event_id"]
        kind, data = "", ""
        async with client.stream("GET", f"{api}/{event}") as stream:
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    kind = line.partition(":")[2].strip()
                elif line.startswith("data:") and kind in ("complete", "error"):
                    data = line.partition(":")[2].strip()
                    break
        finished = (time.perf_counter() - start) * 1000
        if kind != "complete":
            return finished, f"{questions[i]!r}: {kind or 'no answer'}: {data[:200]}"
        text = _answer_text(json.loads(data))
        return finished, "" if text.strip() else f"{questions[i]!r}: empty answer"

    async def all_at_once() -> list[tuple[float, str] | BaseException]:
        limits = httpx.Limits(max_connections=2 * len(questions) + 10)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
            start = time.perf_counter()
            jobs = [one(client, i, start) for i in range(len(questions))]
            return await asyncio.gather(*jobs, return_exceptions=True)

    start = time.perf_counter()
    outcomes = asyncio.run(all_at_once())
    wall = time.perf_counter() - start
    latencies, failed = [], []
    for question, outcome in zip(questions, outcomes, strict=True):
        if isinstance(outcome, BaseException):  # counted and named, not raised
            failed.append(f"{question!r}: {type(outcome).__name__}: {outcome}")
            continue
        latencies.append(outcome[0])
        if outcome[1]:
            failed.append(outcome[1])
    answered = len(questions) - len(failed)
    return _summary(len(questions), answered, failed, wall, latencies)


def run_app(n: int, *, model: str | None = None, log: IO[str] | None = None) -> dict[str, Any]:
    """Start `qagraph serve`, send `n` concurrent chat requests, stop it; the figures.

    Raises:
        QagraphError: The server did not start or exited early.
    """
    from qagraph.eval.bench import _load, bench_queries

    questions = bench_queries(max(n, 1))
    questions = [questions[i % len(questions)] for i in range(n)]
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    report: dict[str, Any] = {"model": model or "default", "port": port, "load": _load()}
    with tempfile.TemporaryDirectory(prefix="qagraph-app-bench-") as tmp:
        store = Path(tmp) / "store"
        command = [
            sys.executable,
            "-c",
            "import sys; from qagraph.cli import main; sys.exit(main())",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--store",
            str(store),
        ]
        if model:
            command += ["--model", model]
        env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
        env.pop("QAGRAPH_AUTH", None)
        server_log = Path(tmp) / "serve.log"
        if log is not None:
            print(f"qagraph: bench: starting qagraph serve on {url}", file=log, flush=True)
        with server_log.open("w") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            try:
                report["start_s"] = round(_wait_ready(url, process, START_TIMEOUT_S), 2)
            except QagraphError as exc:
                tail = server_log.read_text(errors="replace")[-2000:]
                raise QagraphError(f"{exc}; its log ends with:\n{tail}") from None
            if log is not None:
                print(f"qagraph: bench: sending {n} questions at once", file=log, flush=True)
            # One question first: the first answer pays one-time costs.
            warm = ask_concurrently(url, questions[:1], ANSWER_TIMEOUT_S)
            report["first_ms"] = warm["p50_ms"]
            # One at a time: the time to serve one request, without queueing.
            alone = [ask_concurrently(url, [q], ANSWER_TIMEOUT_S) for q in questions[1:11]]
            report["sequential"] = {
                "requests": len(alone),
                "answered": sum(a["answered"] for a in alone),
                "p50_ms": _median([a["p50_ms"] for a in alone if a["p50_ms"] is not None]),
            }
            report["users"] = ask_as_users(url, questions, ANSWER_TIMEOUT_S)
            report.update(ask_concurrently(url, questions, ANSWER_TIMEOUT_S))
        finally:
            _stop(process)
    report["load_after"] = _load()
    return report


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


def format_app(report: dict[str, Any]) -> str:
    """The app bench as a small table."""

    def load(x: Any) -> str:
        return "n/a" if not x else " ".join(f"{v:.2f}" for v in x)

    rows = [
        ("model", str(report["model"])),
        ("load average (1, 5, 15 min)", f"{load(report['load'])} before, "
         f"{load(report['load_after'])} after"),
        ("server start (store build included)", f"{report['start_s']} s"),
        ("first answer (one-time costs)", f"{report['first_ms']} ms"),
        ("one request at a time", f"{report['sequential']['answered']} of "
         f"{report['sequential']['requests']} answered, p50 {report['sequential']['p50_ms']} ms"),
    ]  # fmt: skip
    for label, run in (
        ("as N users (REST API, a session each)", report.get("users")),
        ("with gradio_client (one session)", report),
    ):
        if not run:
            continue
        rows += [
            (label, f"{run['requests']} requests at once, {run['answered']} answered"),
            ("  latency from submit", f"p50 {run['p50_ms']} ms, p95 {run['p95_ms']} ms, "
             f"max {run['max_ms']} ms"),
            ("  all answered in", f"{run['wall_s']} s"),
        ]  # fmt: skip
    width = max(len(a) for a, _ in rows)
    lines = [f"{a:<{width}}  {b}" for a, b in rows]
    lines += [f"failed: {f}" for f in report["failed"] + report.get("users", {}).get("failed", [])]
    return "\n".join(lines)
