"""Plain-text reader, and the byte-level checks and decoding every reader shares.

Decoding never fails on a text file: UTF-8 is tried first, then cp1252 (what Windows
editors write), then latin-1 (which accepts any byte). A fallback is reported as a warning
on the document, since a wrong guess shows up as odd characters in quoted answers.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
import stat as stat_module
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from qagraph.ingest.readers.base import Document, Reader, ReadError

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 8192
#: One megabyte, as the size limit on documents counts it.
MB = 1_000_000
#: Largest document read unless a caller sets another limit (`file_size_limit`).
DEFAULT_MAX_FILE_BYTES = 10 * MB
_MAX_FILE_BYTES: ContextVar[int | None] = ContextVar(
    "qagraph_max_file_bytes", default=DEFAULT_MAX_FILE_BYTES
)
# Non-blocking: opening a named pipe must not wait for a writer (it is refused right after).
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_SPECIAL_KINDS = (
    (stat_module.S_ISFIFO, "named pipe"),
    (stat_module.S_ISCHR, "character device"),
    (stat_module.S_ISBLK, "block device"),
    (stat_module.S_ISSOCK, "socket"),
)
# Share of C0 control bytes (other than tab, newline, form feed, carriage return) above
# which a NUL-free file is still taken for binary: real text has next to none.
_MAX_CONTROL_SHARE = 0.10
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# Characters str.splitlines() breaks on besides \n and \r. Editors (and grep -n) do not
# count them as line breaks, so they become spaces: that keeps `text.splitlines()`, the
# line map and the line numbers users see in their editor in step.
_EXTRA_LINE_BREAKS = dict.fromkeys(map(ord, "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"), " ")


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The decoded contents of a file, before any format-specific conversion.

    Attributes:
        text: Decoded text, BOM removed, newlines normalised to "\\n".
        encoding: Codec used.
        sha256: Hex digest of the raw bytes.
        warnings: Problems met while decoding.
    """

    text: str
    encoding: str
    sha256: str
    warnings: tuple[str, ...] = ()

    @property
    def n_lines(self) -> int:
        """Number of lines in the file."""
        return len(self.text.splitlines())


def read_bytes(path: Path, name: str) -> bytes:
    """Read a regular file's raw bytes, at most the size limit in force.

    Only regular files are read: a named pipe would block until something writes to it,
    and a device such as /dev/zero never ends, so both are refused before any byte is read
    (the file is opened non-blocking and checked again on the open descriptor, in case it
    was swapped in between). The read itself is bounded by the limit `file_size_limit`
    sets (default `DEFAULT_MAX_FILE_BYTES`), so even a file whose size grows while it is
    read cannot fill memory.

    Raises:
        ReadError: One line naming the file: missing, a folder, not a regular file, larger
            than the limit, or unreadable.
    """
    limit = _MAX_FILE_BYTES.get()
    try:
        _check_regular(os.stat(path).st_mode, name)
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as file:
            stat = os.fstat(file.fileno())
            _check_regular(stat.st_mode, name)
            if limit is not None and stat.st_size > limit:
                raise ReadError(_too_large(name, stat.st_size, limit))
            data = file.read() if limit is None else file.read(limit + 1)
    except FileNotFoundError:
        raise ReadError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError(f"{name}: symlink loop (the link leads back to itself)") from None
        reason = exc.strerror or exc.__class__.__name__
        raise ReadError(f"{name}: cannot read file ({reason})") from None
    if limit is not None and len(data) > limit:
        raise ReadError(_too_large(name, None, limit))  # it grew while read
    return data


def _check_regular(mode: int, name: str) -> None:
    if stat_module.S_ISDIR(mode):
        raise ReadError(f"{name}: is a folder, not a file")
    if not stat_module.S_ISREG(mode):
        kind = next((k for test, k in _SPECIAL_KINDS if test(mode)), "special file")
        raise ReadError(f"{name}: not a regular file ({kind}); only regular files are read")


def _too_large(name: str, size: int | None, limit: int) -> str:
    size_text = "larger than" if size is None else f"{_size(size)}, over"
    return (
        f"{name}: file is {size_text} the {_size(limit)} limit on documents "
        "(raise it with --max-file-mb)"
    )


def _size(n_bytes: int) -> str:
    """'20.0 MB', '10 MB' (a round limit), or '5,400 bytes' below 0.1 MB."""
    if n_bytes < MB // 10:
        return f"{n_bytes:,} bytes"
    mb = n_bytes / MB
    return f"{mb:g} MB" if mb == round(mb, 1) else f"{mb:.1f} MB"


@contextmanager
def file_size_limit(max_bytes: int | None) -> Iterator[None]:
    """Within the block, `read_bytes` refuses files larger than `max_bytes` (None: no limit).

    The limit is a context variable, so concurrent ingests (threads of the app) each keep
    their own.
    """
    if max_bytes is not None and max_bytes < 1:
        raise ValueError(
            f"max_bytes must be at least 1 byte, or None for no limit, not {max_bytes}"
        )
    token = _MAX_FILE_BYTES.set(max_bytes)
    try:
        yield
    finally:
        _MAX_FILE_BYTES.reset(token)


def normalize_newlines(text: str) -> str:
    """Turn \\r\\n and lone \\r into \\n, and other Unicode line breaks into spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_EXTRA_LINE_BREAKS)


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    n_control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return n_control > _MAX_CONTROL_SHARE * len(sample)


def _bom_encoding(raw: bytes) -> str | None:
    # UTF-16/32 text is full of NUL bytes, so its BOM must be recognised before the
    # binary sniff. UTF-32 first: its little-endian BOM starts with UTF-16's.
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def decode_bytes(raw: bytes, name: str, *, declared: str | None = None) -> DecodedText:
    """Check and decode the raw bytes of a text file.

    Args:
        raw: The file's bytes.
        name: File name for messages.
        declared: An encoding the file declares for itself (an HTML meta charset). It is
            tried after UTF-8 and, being the file's own word, used without a warning.

    Returns:
        The decoded text.

    Raises:
        ReadError: The file is empty (or only whitespace), or looks binary.
    """
    if not raw:
        raise ReadError(f"{name}: file is empty")
    warnings: list[str] = []
    encoding = _bom_encoding(raw)
    text: str | None = None
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            encoding = None
    if text is None:
        if _looks_binary(raw):
            raise ReadError(f"{name}: looks like a binary file, not text")
        text, encoding = _decode_8bit(raw, name, declared, warnings)
    text = normalize_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise ReadError(f"{name}: file is empty")
    return DecodedText(
        text=text,
        encoding=encoding or "utf-8",
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=tuple(warnings),
    )


def _decode_8bit(
    raw: bytes, name: str, declared: str | None, warnings: list[str]
) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return raw.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            logger.debug("%s: declared charset %r does not decode it", name, declared)
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        warnings.append(f"{name}: not valid UTF-8, decoded as {encoding}")
        logger.info("%s: not valid UTF-8, decoded as %s", name, encoding)
        return text, encoding
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


class TextReader(Reader):
    """Reads plain text files as they are: the line map is the identity."""

    suffixes = (".txt",)
    format = "text"

    def read(self, path: str | Path, *, name: str | None = None) -> Document:
        """Read a file whose text the splitter takes as is; see `Reader.read`."""
        path = Path(path)
        name = name or path.name
        decoded = decode_bytes(read_bytes(path, name), name)
        n_lines = decoded.n_lines
        logger.debug("read %s: %d lines, %s", name, n_lines, decoded.encoding)
        return Document(
            name=name,
            path=str(path.absolute()),
            text=decoded.text,
            line_map=tuple(range(1, n_lines + 1)),
            encoding=decoded.encoding,
            sha256=decoded.sha256,
            n_lines=n_lines,
            warnings=decoded.warnings,
            format=self.format,
        )


def read_rewritten(
    path: str | Path,
    name: str | None,
    fmt: str,
    rewrite: Callable[[list[str]], tuple[list[str], list[int]]],
) -> Document:
    """Read a text file whose lines a reader rewrites as markdown (reST, MDX).

    Args:
        path: The file.
        name: Citation name; the file name when None.
        fmt: The document format to record.
        rewrite: Source lines -> (markdown lines, 0-based source line of each).
    """
    path = Path(path)
    name = name or path.name
    decoded = decode_bytes(read_bytes(path, name), name)
    out, source = rewrite(decoded.text.splitlines())
    logger.debug("read %s: %d lines -> %d markdown lines", name, decoded.n_lines, len(out))
    return Document(
        name=name,
        path=str(path.absolute()),
        text="\n".join(out) + "\n",
        line_map=tuple(s + 1 for s in source),
        encoding=decoded.encoding,
        sha256=decoded.sha256,
        n_lines=decoded.n_lines,
        warnings=decoded.warnings,
        format=fmt,
    )
