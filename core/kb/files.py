"""Article attachment safety: size limit and type sniffed from the bytes, never trusted from the client."""

from __future__ import annotations

import hashlib
import re

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

# Images shown inline in articles, and PDFs. No SVG: it can carry scripts.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"%PDF-", 0, "application/pdf"),
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def sniff_content_type(data: bytes) -> str | None:
    """The type the bytes really are, or None if it is not one we accept."""
    for signature, offset, content_type in _SIGNATURES:
        if data[offset : offset + len(signature)] == signature:
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_filename(name: str) -> str:
    """A file name without paths or control characters, for Content-Disposition."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    return (cleaned or "file")[:200]
