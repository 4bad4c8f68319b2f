"""Static sentence vectors: the mean of 256-d token vectors (WordLlama l2_supercat), ~0.1 ms a text.

The fast path of classification when ONNX (MiniLM) is unavailable or a tenant opts for speed. The
weights and tokenizer ship inside the PyPI wheel `wordllama`; its own loader looks for a
`tokenizer/` folder while the wheel ships `tokenizers/`, and would then try to download from a
hub. So this module reads both files from the installed package itself, checks them against
pinned SHA-256 digests and parses the safetensors file as raw little-endian arrays (its format is
an 8-byte header length, a JSON header and the tensor bytes): nothing is downloaded, nothing
unpickled.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from importlib import resources
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "wordllama-l2-supercat-256"
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
WEIGHTS_SHA256 = "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5"
TOKENIZER_SHA256 = "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
DIMENSIONS = 256
# Token vectors past this add little to the mean and only cost time (1 MB tickets exist).
MAX_TOKENS = 512
_DTYPES = {"F32": "<f4", "F16": "<f2", "BF16": None}


def read_safetensors(path: Path, key: str) -> np.ndarray:
    """One tensor of a safetensors file, without the `safetensors` package or any pickle."""
    with path.open("rb") as handle:
        header_len = int.from_bytes(handle.read(8), "little")
        if not 0 < header_len < 100_000_000:
            raise ValueError("not a safetensors file")
        header = json.loads(handle.read(header_len))
        entry = header.get(key)
        if not isinstance(entry, dict) or _DTYPES.get(str(entry.get("dtype"))) is None:
            raise ValueError(f"{path.name} has no float tensor {key!r}")
        start, end = entry["data_offsets"]
        handle.seek(8 + header_len + start)
        data = np.frombuffer(handle.read(end - start), dtype=_DTYPES[entry["dtype"]])
    return data.reshape(entry["shape"]).astype(np.float32)


def model_files() -> tuple[Path, Path] | None:
    try:
        root = resources.files("wordllama")
    except ModuleNotFoundError:
        return None
    weights, tokenizer = Path(str(root / WEIGHTS)), Path(str(root / TOKENIZER))
    return (weights, tokenizer) if weights.is_file() and tokenizer.is_file() else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class StaticEncoder:
    """Mean-pooled, L2-normalised token vectors; thread-safe (read-only arrays)."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, weights_path: Path, tokenizer_path: Path):
        # Loaded only when the package is installed: the service runs without it.
        from tokenizers import Tokenizer  # noqa: PLC0415

        self.table = read_safetensors(weights_path, "embedding.weight")
        if self.table.ndim != 2 or self.table.shape[1] != DIMENSIONS:
            raise ValueError(f"unexpected embedding table shape {self.table.shape}")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        encoded = self.tokenizer.encode_batch([t or " " for t in texts], add_special_tokens=False)
        vocab = self.table.shape[0]
        for row, e in enumerate(encoded):
            ids = [i for i in e.ids if 0 <= i < vocab]
            if not ids:
                continue  # no known piece: the zero vector, which the classifier reads as "nothing"
            pooled = self.table[ids].mean(axis=0)
            norm = float(np.linalg.norm(pooled))
            if norm > 1e-12:
                out[row] = pooled / norm
        return out


_lock = threading.Lock()
_cached: list[StaticEncoder | None] = []


class LazyStaticEncoder:
    """Loads the static encoder on first use (most tenants read MiniLM: no need to pay at startup)."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def encode(self, texts: list[str]) -> np.ndarray:
        encoder = load_static_encoder()
        if encoder is None:  # the files failed their check: vectors that say nothing
            return np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        return encoder.encode(texts)


def lazy_static_encoder() -> LazyStaticEncoder | None:
    """A lazy encoder when wordllama is installed, else None."""
    return LazyStaticEncoder() if model_files() is not None else None


def load_static_encoder() -> StaticEncoder | None:
    """The process-wide static encoder, or None when wordllama's verified files are not installed."""
    with _lock:
        if _cached:
            return _cached[0]
        encoder: StaticEncoder | None = None
        files = model_files()
        if files is None:
            log.warning("wordllama not installed; the fast classify path uses TF-IDF alone")
        elif _sha256(files[0]) != WEIGHTS_SHA256 or _sha256(files[1]) != TOKENIZER_SHA256:
            log.error("wordllama files fail their SHA-256 check; not loading them")
        else:
            encoder = StaticEncoder(*files)
        _cached.append(encoder)
        return encoder
