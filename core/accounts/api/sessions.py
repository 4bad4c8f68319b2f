"""Accounts API: session login/logout, the current user, personal API tokens, audit log."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf

from accounts import selectors
from accounts.models import ApiToken, User
from accounts.schemas import (
    AuditEventOut,
    CsrfOut,
    LoginIn,
    MeOut,
    SessionOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
)
from accounts.selectors import membership_for_user
from accounts.services import users as services
from api_kit.auth import admin_only, request_tenant, require_membership, session_only

router = Router(tags=["accounts"])


def _me(request: HttpRequest, user: User) -> MeOut:
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        tenant=tenant.slug if tenant else None,
        role=membership.role if membership else None,
        membership_id=membership.id if membership else None,
    )


@router.get("/auth/csrf", auth=None, response=CsrfOut)
def csrf(request: HttpRequest) -> CsrfOut:
    """Sets the CSRF cookie; send the value back in `X-CSRFToken` on unsafe requests."""
    return CsrfOut(csrf_token=get_token(request))


@router.post("/auth/login", auth=None, response={200: MeOut})
def login_view(request: HttpRequest, payload: LoginIn) -> MeOut:
    tenant = request_tenant(request)
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: GET /api/v1/auth/csrf first, then send X-CSRFToken.")
    user = authenticate(request, username=payload.email, password=payload.password)
    if getattr(request, "login_locked_out", False):
        raise HttpError(429, "Too many failed sign-ins for this email. Try again in a few minutes.")
    if not isinstance(user, User):
        raise HttpError(401, "Invalid email or password.")
    login(request, user)
    request.membership = membership_for_user(tenant=tenant, user=user)  # type: ignore[attr-defined]
    return _me(request, user)


@router.post("/auth/logout", auth=session_only, response={204: None})
def logout_view(request: HttpRequest) -> Status[None]:
    logout(request)
    return Status(204, None)


@router.get("/auth/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """The signed-in caller; 401 when nobody is. Browsers probe `/auth/session` instead."""
    return _me(request, request.user)  # type: ignore[arg-type]


@router.get("/auth/session", auth=None, response=SessionOut)
def session(request: HttpRequest) -> SessionOut:
    """Who is signed in on this host, answered 200 either way: "nobody" is a normal state
    of a page that has just opened, not an error the browser should log."""
    user = request.user
    if getattr(request, "tenant", None) is None or not isinstance(user, User) or not user.is_authenticated:
        return SessionOut(signed_in=False, me=None)
    return SessionOut(signed_in=True, me=_me(request, user))


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut.model_validate(token, from_attributes=True)


@router.get("/tokens", response=list[TokenOut])
def token_list(request: HttpRequest) -> list[TokenOut]:
    membership = require_membership(request)
    tokens = selectors.api_token_list(tenant=request_tenant(request), membership=membership)
    return [_token_out(t) for t in tokens]


@router.post("/tokens", response={201: TokenCreatedOut})
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[TokenCreatedOut]:
    membership = require_membership(request)
    token, raw = services.api_token_create(
        tenant=request_tenant(request), membership=membership, name=payload.name, request=request
    )
    return Status(201, TokenCreatedOut(**_token_out(token).model_dump(), token=raw))


@router.delete("/tokens/{token_id}", response={200: TokenOut})
def token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    membership = require_membership(request)
    tenant = request_tenant(request)
    token = selectors.api_token_get(tenant=tenant, membership=membership, token_id=token_id)
    if token is None:
        raise HttpError(404, "Not Found")
    services.api_token_revoke(tenant=tenant, token=token, actor_id=membership.user_id, request=request)
    return _token_out(token)


@router.get("/audit-events", response=list[AuditEventOut], auth=admin_only)
def audit_event_list(request: HttpRequest, limit: int = 100) -> list[AuditEventOut]:
    events = selectors.audit_event_list(tenant=request_tenant(request), limit=max(1, min(limit, 500)))
    return [AuditEventOut.model_validate(e, from_attributes=True) for e in events]
