"""Personal API token format: `flt_<tenant id>_<secret>`.

The tenant id in clear lets the lookup run inside that tenant's context (row-level
security applies as everywhere else) through a (tenant_id, token_hash) index; only the
SHA-256 of the whole token is stored. The secret has 256 bits, so a fast hash is safe.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from contracts.ids import parse_id

PREFIX = "flt"


@dataclass(frozen=True)
class ParsedToken:
    tenant_id: int
    digest: str


def generate(tenant_id: int) -> str:
    return f"{PREFIX}_{tenant_id}_{secrets.token_urlsafe(32)}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse(token: str) -> ParsedToken | None:
    parts = token.split("_", 2)
    tenant_id = parse_id(parts[1]) if len(parts) == 3 else None
    if tenant_id is None or parts[0] != PREFIX or len(parts[2]) < 20:
        return None
    return ParsedToken(tenant_id=tenant_id, digest=digest(token))


def display_prefix(token: str) -> str:
    """What the UI shows to recognise a token: the public part and four secret characters."""
    head, _, secret = token.rpartition("_")
    return f"{head}_{secret[:4]}"


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# POSTs that only read: a read-only token may open a socket to watch events.
READ_ONLY_POSTS = frozenset({"/api/v1/realtime/token"})
API_PREFIX = "/api/v1/"


def area_of(path: str) -> str:
    """`/api/v1/tickets/12/messages` -> `tickets`."""
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
    return rest.split("/", 1)[0]


def scope_refusal(*, read_only: bool, areas: list[str], method: str, path: str) -> str | None:
    """Why a scoped token may not make this request, or None when it may."""
    if read_only and method.upper() not in SAFE_METHODS and path not in READ_ONLY_POSTS:
        return "This token is read-only."
    if areas and area_of(path) not in areas:
        return f"This token may only use: {', '.join(areas)}."
    return None
