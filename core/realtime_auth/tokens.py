"""Issue a realtime connection token: who the caller is here, and where a browser may connect from."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from accounts.session_registry import session_digest
from contracts.realtime import ConnectionClaims, TokenKind, sign_token
from tenancy.models import Membership, Tenant


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: ConnectionClaims


def _is_origin(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.path in {"", "/"}


def allowed_origins(*, tenant: Tenant, secure: bool) -> tuple[str, ...]:
    """The tenant's host (in dev also with core's and Vite's ports), and `settings["realtime_origins"]`."""
    scheme = "https" if secure else "http"
    host = f"{tenant.slug}.{settings.BASE_DOMAIN}"
    origins = [f"{scheme}://{host}"]
    if settings.IS_DEV:
        origins.append(f"{scheme}://{host}:{settings.WEB_PORT}")
        origins.append(f"{scheme}://{host}:{settings.PORTAL_DEV_PORT}")
    extra = (tenant.settings or {}).get("realtime_origins", [])
    if isinstance(extra, list):
        origins += [o.rstrip("/") for o in extra if _is_origin(o)]
    return tuple(dict.fromkeys(origins))


def realtime_token_issue(
    *,
    tenant: Tenant,
    membership: Membership,
    via_api_token: bool,
    secure: bool,
    session_key: str | None = None,
) -> IssuedToken:
    user = membership.user
    now = int(time.time())
    claims = ConnectionClaims(
        user_id=user.pk,
        membership_id=membership.pk,
        tenant_id=tenant.pk,
        role=membership.role,
        name=user.get_full_name(),
        kind=TokenKind.API_TOKEN if via_api_token else TokenKind.SESSION,
        origins=allowed_origins(tenant=tenant, secure=secure),
        exp=now + settings.REALTIME_TOKEN_TTL_SECONDS,
        iat=now,
        session="" if via_api_token else session_digest(session_key),
    )
    return IssuedToken(token=sign_token(claims, settings.REALTIME_SECRET), claims=claims)
