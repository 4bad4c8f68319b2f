"""`POST /api/v1/realtime/token`: a short-lived token to open a socket on the realtime gateway."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from api_kit.auth import request_tenant, require_membership
from realtime_auth.tokens import realtime_token_issue

router = Router(tags=["realtime"])


class RealtimeTokenOut(Schema):
    token: str
    expires_at: datetime
    url: str
    origins: list[str]


def _gateway_url(request: HttpRequest) -> str:
    if settings.REALTIME_PUBLIC_URL:
        return settings.REALTIME_PUBLIC_URL
    hostname = request.get_host().rsplit(":", 1)[0]
    return f"{'wss' if request.is_secure() else 'ws'}://{hostname}:{settings.REALTIME_PORT}/ws"


@router.post("/realtime/token", response=RealtimeTokenOut)
def realtime_token(request: HttpRequest) -> RealtimeTokenOut:
    """Connect within a minute to `url?token=...&topics=inbox,ticket:<id>&last_id=<stream id>`."""
    tenant = request_tenant(request)
    membership = require_membership(request)
    issued = realtime_token_issue(
        tenant=tenant,
        membership=membership,
        via_api_token=getattr(request, "api_token", None) is not None,
        secure=request.is_secure(),
        session_key=request.session.session_key,
    )
    return RealtimeTokenOut(
        token=issued.token,
        expires_at=datetime.fromtimestamp(issued.claims.exp, tz=UTC),
        url=_gateway_url(request),
        origins=list(issued.claims.origins),
    )
