"""A local web server for tests that fetch pages: http.server on 127.0.0.1 in a thread.

Each test sets `server.routes[path]` to a function that answers the request; the helpers
below make the usual ones (a page, a slow page, a redirect, an endless body).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]
_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        path = self.path.split("?", 1)[0]
        self.server.requests.append(path)
        route = self.server.routes.get(path)
        try:
            if route is None:
                self.send_error(404, "Not Found")
            else:
                route(self)
        except _GONE:
            pass  # the client gave up, as it should on a slow or endless answer

    def log_message(self, format: str, *args: object) -> None:
        pass


class LocalServer(ThreadingHTTPServer):
    """The server; `url(path)` is the address of a route."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"


@contextmanager
def running() -> Iterator[LocalServer]:
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def page(body: bytes | str, content_type: str = "text/html; charset=utf-8") -> Route:
    """A 200 answer with this body and content type."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def slow(seconds: float, then: Route) -> Route:
    """An answer that starts only after `seconds`."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        then(handler)

    return answer


def redirect(location: str, status: int = 302) -> Route:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def endless(
    total: int,
    *,
    declare: bool,
    chunk: int = 1_000_000,
    pause: float = 0.0,
    content_type: str = "text/plain",
) -> Route:
    """A body of `total` bytes sent in chunks (until the client hangs up), its length
    declared in Content-Length or not."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if declare:
            handler.send_header("Content-Length", str(total))
        handler.send_header("Connection", "close")
        handler.end_headers()
        sent = 0
        while sent < total:
            n = min(chunk, total - sent)
            handler.wfile.write(b"x" * n)
            handler.wfile.flush()
            sent += n
            if pause:
                time.sleep(pause)

    return answer
