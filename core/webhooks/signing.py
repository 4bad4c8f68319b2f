"""How receivers check a payload: HMAC-SHA256 over "<timestamp>.<body>" with the secret.

Headers: X-Frontline-Timestamp (Unix seconds) and X-Frontline-Signature
("sha256=<hex>"). Receivers should reject timestamps older than a few minutes
(replays) and dedupe on X-Frontline-Delivery (deliveries are at least once).
"""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
