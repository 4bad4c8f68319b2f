"""A tenant's ticket vectors kept between retrains, so a retrain encodes only new or edited texts.

Saved next to the tenant's models as plain arrays (text digests and float32 vectors, read with
allow_pickle=False); a file written for another encoder or token limit is ignored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ai.embeddings import CLASSIFY_TOKENS, DIMENSIONS, MODEL_SHA256, Encoder
from ai.storage import read_bundle, tenant_dir, write_bundle

_DIGEST_BYTES = 16


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:_DIGEST_BYTES]


class VectorCache:
    def __init__(self, root: Path, tenant_id: int, encoder: Encoder):
        self.folder = tenant_dir(root, tenant_id) / "vectors"
        self.encoder = encoder
        self.stamp = {"model_sha256": MODEL_SHA256, "max_tokens": CLASSIFY_TOKENS}
        self.encoded = 0  # texts the last call had to encode (the rest came from the file)

    def _known(self) -> dict[bytes, np.ndarray]:
        if not (self.folder / "meta.json").exists():
            return {}
        try:
            meta, arrays = read_bundle(self.folder)
        except (OSError, ValueError):
            return {}  # unreadable: encode again rather than fail the retrain
        keys, vectors = arrays.get("keys"), arrays.get("vectors")
        if (
            meta.get("stamp") != self.stamp
            or keys is None
            or vectors is None
            or keys.shape != (len(vectors), _DIGEST_BYTES)
            or vectors.shape[1:] != (DIMENSIONS,)
        ):
            return {}
        return {bytes(key): vector for key, vector in zip(keys, vectors, strict=True)}

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts` (as the service encodes them for classification); saves them for next time."""
        known = self._known()
        digests = [_digest(t) for t in texts]
        missing = sorted({d: i for i, d in enumerate(digests) if d not in known}.values())
        self.encoded = len(missing)
        if missing:
            fresh = self.encoder.encode(
                [texts[i] for i in missing], batch_size=64, max_tokens=CLASSIFY_TOKENS
            )
            known.update({digests[i]: fresh[row] for row, i in enumerate(missing)})
        out = np.stack([known[d] for d in digests]) if texts else np.zeros((0, DIMENSIONS), np.float32)
        # Only this training set's texts are kept: the file never outgrows the tenant's labelled tickets.
        unique = list(dict.fromkeys(digests))
        write_bundle(
            self.folder,
            {"stamp": self.stamp},
            {
                "keys": np.frombuffer(b"".join(unique), dtype=np.uint8).reshape(len(unique), _DIGEST_BYTES),
                "vectors": np.stack([known[d] for d in unique]).astype(np.float32)
                if unique
                else np.zeros((0, DIMENSIONS), np.float32),
            },
        )
        return out.astype(np.float32, copy=False)
