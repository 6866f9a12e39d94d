"""Plain-text reader, and the byte-level checks and decoding every reader shares.

Decoding never fails on a text file: UTF-8 is tried first, then cp1252 (what Windows
editors write), then latin-1 (which accepts any byte). A fallback is reported as a warning
on the document, since a wrong guess shows up as odd characters in quoted answers.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from qagraph.ingest.readers.base import Document, Reader, ReadError

logger = logging.getLogger(__name__)

_SNIFF_BYTES = 8192
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
    """Read a file's raw bytes, turning OS errors into a one-line `ReadError`."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ReadError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ReadError(f"{name}: cannot read file ({reason})") from None


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
