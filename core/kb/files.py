"""Article attachment safety: size limit and type sniffed from the bytes, never trusted from the client."""

from __future__ import annotations

import hashlib
import re

import filetype

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

# Images shown inline in articles, and PDFs. No SVG: it can carry scripts.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
ACCEPTED_TYPES = INLINE_TYPES | {"application/pdf"}


def sniff_content_type(data: bytes) -> str | None:
    """The type the bytes really are (the same `filetype` sniffing as ticket attachments),
    or None if it is not one an article takes."""
    kind = filetype.guess(data[:8192])
    return str(kind.mime) if kind is not None and kind.mime in ACCEPTED_TYPES else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_filename(name: str) -> str:
    """A file name without paths or control characters, for Content-Disposition."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")
    return (cleaned or "file")[:200]
