"""Web pages by URL: fetch over HTTP(S) within limits, and keep what was fetched.

`qagraph ingest https://...` fetches the page with httpx (timeouts, a size limit read as
the body streams in, at most a few redirects, the content type checked before the body is
read) and reads it with the reader its content type calls for, under its URL as the source
name. The bytes fetched are kept in the store generation (`StoreWriter.add_snapshot`), so
citations and excerpts stay those of the page as it was read, however it changes later;
a later ingest of the same URL reuses that copy unless asked to fetch it again.

Every failure is one line naming the URL: a slow server, an oversized body, a redirect
loop, an HTTP error or a content type no reader takes.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import httpx

import qagraph
from qagraph.errors import QagraphError
from qagraph.ingest.readers import SUPPORTED_SUFFIXES, Document, read_document
from qagraph.kb import KnowledgeBase, Store, StoreError, StoreWriter
from qagraph.kb.manifest import utc_now_iso

logger = logging.getLogger(__name__)

#: Seconds to wait for the connection and for each read of the response.
TIMEOUT = 15.0
#: Seconds a whole download may take, however steadily the server trickles bytes.
TOTAL_TIMEOUT = 60.0
#: Largest body read, in bytes (10 MB); a larger one is refused as it streams in.
MAX_BYTES = 10_000_000
#: Redirects followed before the fetch gives up (a loop ends here too).
MAX_REDIRECTS = 5

# Content types and the suffix of the reader that takes them.
CONTENT_TYPES: dict[str, str] = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
    "text/x-rst": ".rst",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/x-ipynb+json": ".ipynb",
}
# Types servers give whatever the file: the URL's own suffix then says which reader.
_TEXT_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".rst", ".txt", ".ipynb"})
_BY_URL_SUFFIX = {
    "text/plain": _TEXT_SUFFIXES,
    "text/markdown": frozenset({".mdx", ".markdown"}),
    "application/json": frozenset({".ipynb"}),
    "application/octet-stream": frozenset(SUPPORTED_SUFFIXES),
    "binary/octet-stream": frozenset(SUPPORTED_SUFFIXES),
    "": frozenset(SUPPORTED_SUFFIXES),
}
SUPPORTED_CONTENT_TYPES = ", ".join(
    [*dict.fromkeys(CONTENT_TYPES), "(or a file type qagraph reads, by its URL's suffix)"]
)
_ACCEPT = ", ".join([*dict.fromkeys(CONTENT_TYPES), "*/*;q=0.1"])


class FetchError(QagraphError):
    """A page could not be fetched; the message is one line naming the URL."""


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Limits of a fetch; None takes the module's default (`TIMEOUT`, `MAX_BYTES`, ...).

    Attributes:
        timeout: Seconds for the connection and for each read.
        total_timeout: Seconds for the whole download.
        max_bytes: Largest body, in bytes.
        max_redirects: Redirects followed at most.
    """

    timeout: float | None = None
    total_timeout: float | None = None
    max_bytes: int | None = None
    max_redirects: int | None = None


@dataclass(frozen=True)
class WebPage:
    """A page fetched (or kept in the store from an earlier fetch), ready to read.

    Attributes:
        url: The address given, which names the source in citations.
        suffix: The suffix of the reader for its content (".html", ".pdf", ...).
        content: The bytes fetched, or the file in a store generation that keeps them.
        info: What the store records with it: url, final_url, content_type, fetched.
        reused: True when it comes from the store instead of the network.
    """

    url: str
    suffix: str
    content: bytes | Path
    info: dict[str, Any] = field(default_factory=dict)
    reused: bool = False

    def data(self) -> bytes:
        """The page's bytes."""
        return self.content if isinstance(self.content, bytes) else self.content.read_bytes()

    @contextmanager
    def staged(self) -> Iterator[Path]:
        """The page as a temporary file with its reader's suffix, for `read_document`."""
        with tempfile.TemporaryDirectory(prefix="qagraph-web-") as folder:
            path = Path(folder) / f"page{self.suffix}"
            path.write_bytes(self.data())
            yield path

    def read(self) -> Document:
        """Read the page as a document named by its URL.

        Raises:
            ReadError: The reader refuses it (empty, binary, no text...).
        """
        with self.staged() as path:
            return read_document(path, name=self.url)

    def store_in(self, writer: StoreWriter) -> None:
        """Keep the page in the generation `writer` builds, under its URL."""
        writer.add_snapshot(self.url, self.content, suffix=self.suffix, info=self.info)


def is_url(text: object) -> bool:
    """Whether a command-line argument names a web page (http:// or https://)."""
    return isinstance(text, str) and text.strip().lower().startswith(("http://", "https://"))


def split_urls(paths: Sequence[Any]) -> tuple[list[str], list[Any]]:
    """The URLs among `paths` (each once, fragment dropped) and the other paths, in order."""
    urls: list[str] = []
    others: list[Any] = []
    for item in paths:
        if is_url(item):
            url = item.strip().split("#", 1)[0]
            if url not in urls:
                urls.append(url)
        else:
            others.append(item)
    return urls, others


def fetch(url: str, config: FetchConfig | None = None) -> WebPage:
    """Fetch one page within the limits of `config`.

    Raises:
        FetchError: Not an http(s) address, no connection, timed out, too many redirects,
            an HTTP error status, a content type no reader takes, or a body over the limit.
    """
    config = config or FetchConfig()
    timeout = config.timeout if config.timeout is not None else TIMEOUT
    total = config.total_timeout if config.total_timeout is not None else TOTAL_TIMEOUT
    limit = config.max_bytes if config.max_bytes is not None else MAX_BYTES
    redirects = config.max_redirects if config.max_redirects is not None else MAX_REDIRECTS
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(f"{url}: not a valid web address ({_reason(exc)})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"{url}: not an http or https address")
    headers = {"User-Agent": f"qagraph/{qagraph.__version__}", "Accept": _ACCEPT}
    deadline = time.monotonic() + total
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=redirects,
                timeout=httpx.Timeout(timeout),
                headers=headers,
            ) as client,
            client.stream("GET", url) as response,
        ):
            if not response.is_success:
                phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
                raise FetchError(f"{url}: the server answered HTTP {response.status_code}{phrase}")
            content_type = response.headers.get("content-type", "")
            mime, _, params = content_type.partition(";")
            mime = mime.strip().lower()
            suffix = _suffix_for(mime, response.url.path)
            if suffix is None:
                shown = mime or "(none given)"
                raise FetchError(
                    f"{url}: unsupported content type {shown} "
                    f"(supported: {SUPPORTED_CONTENT_TYPES})"
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    f"{url}: the page is {_mb(int(declared))}, over the {_mb(limit)} limit"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"{url}: the page is over the {_mb(limit)} limit")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: timed out: the download took over {total:g} s")
            final_url = str(response.url)
    except httpx.TooManyRedirects:
        raise FetchError(f"{url}: too many redirects (more than {redirects}); a loop?") from None
    except httpx.TimeoutException:
        raise FetchError(
            f"{url}: timed out: no answer from the server within {timeout:g} s"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: cannot fetch the page ({_reason(exc)})") from None
    data = _as_utf8(bytes(body), mime, params)
    logger.info("fetched %s: %d bytes of %s", url, len(data), mime or "unknown type")
    info = {
        "url": url,
        "final_url": final_url,
        "content_type": mime,
        "fetched": utc_now_iso(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return WebPage(url, suffix, data, info)


def fetch_pages(
    urls: Sequence[str],
    store: Store,
    config: FetchConfig | None = None,
    *,
    refresh: bool = False,
) -> tuple[list[WebPage], list[tuple[str, str]], list[str]]:
    """The pages of `urls`: from the store's kept copies, else (or with `refresh`) fetched.

    Returns:
        The pages, one (url, reason) per page that could not be had (the reason does not
        repeat the URL), and notes for the user naming the pages reused from the store.
    """
    kept: dict[str, tuple[Path, dict[str, Any]]] = {}
    if urls and not refresh:
        try:
            kept = store.snapshots()
        except StoreError as exc:
            logger.warning("cannot read the pages kept in %s: %s", store.path, exc)
    pages: list[WebPage] = []
    errors: list[tuple[str, str]] = []
    notes: list[str] = []
    for url in urls:
        if url in kept:
            path, info = kept[url]
            try:
                # Read now: a commit of this very ingest removes the generation it lives in.
                pages.append(WebPage(url, path.suffix, path.read_bytes(), info, reused=True))
            except OSError as exc:
                logger.warning("cannot read the kept copy of %s (%s); fetching it", url, exc)
            else:
                when = info.get("fetched", "an earlier ingest")
                notes.append(
                    f"{url}: using the copy fetched {when} kept in the store "
                    "(--refresh fetches it again)"
                )
                continue
        try:
            pages.append(fetch(url, config))
        except FetchError as exc:
            message = str(exc)
            errors.append((url, message.removeprefix(f"{url}: ")))
    return pages, errors, notes


def kept_page(kb: KnowledgeBase, source: str) -> WebPage | None:
    """The page a knowledge base keeps for `source`, to carry into a new generation."""
    path = kb.snapshot(source)
    if path is None:
        return None
    info = kb.snapshots().get(source, {})
    info = {k: v for k, v in info.items() if k != "file"}
    return WebPage(source, path.suffix, path, info, reused=True)


def _suffix_for(mime: str, url_path: str) -> str | None:
    """The reader suffix for a response, from its content type and then its URL."""
    url_suffix = PurePosixPath(url_path).suffix.lower()
    if url_suffix in _BY_URL_SUFFIX.get(mime, ()):
        return url_suffix
    return CONTENT_TYPES.get(mime)


def _as_utf8(data: bytes, mime: str, params: str) -> bytes:
    """Text in the charset the server names, re-encoded as UTF-8 when it is not already.

    Readers try UTF-8 first, so the kept copy then reads right without the HTTP header.
    """
    if not mime.startswith("text/") and mime != "application/xhtml+xml":
        return data
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codecs.lookup(charset).name).encode("utf-8") if charset else data
    except (LookupError, UnicodeDecodeError):
        return data


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n % 1_000_000 else f"{n // 1_000_000} MB"


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."
