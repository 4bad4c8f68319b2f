"""Accounts API: session login (with the two-factor step), logout, password change, the
current user, personal API tokens, audit log."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf

from accounts import selectors, throttle, two_factor
from accounts.models import ApiToken, User
from accounts.schemas import (
    AuditEventOut,
    CsrfOut,
    LoginCodeIn,
    LoginIn,
    MeOut,
    MePatchIn,
    PasswordChangeIn,
    SessionOut,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
    TwoFactorChallengeOut,
)
from accounts.selectors import membership_for_user
from accounts.services import two_factor as two_factor_services
from accounts.services import users as services
from accounts.services.two_factor import CodeRefused
from accounts.session_registry import session_register, sessions_revoke
from api_kit.auth import admin_only, request_tenant, require_membership, session_only
from tenancy.models import AuditAction, Tenant

router = Router(tags=["accounts"])


def me_out(request: HttpRequest, user: User) -> MeOut:
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        locale=user.locale,
        tenant=tenant.slug if tenant else None,
        role=membership.role if membership else None,
        membership_id=membership.id if membership else None,
    )


def require_csrf(request: HttpRequest) -> None:
    """For the anonymous steps of signing in, which the session auth (and its check) skips."""
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: GET /api/v1/auth/csrf first, then send X-CSRFToken.")


def sign_in(request: HttpRequest, tenant: Tenant, user: User) -> MeOut:
    login(request, user)
    request.membership = membership_for_user(tenant=tenant, user=user)  # type: ignore[attr-defined]
    return me_out(request, user)


def challenge_user(request: HttpRequest, tenant: Tenant, token: str, wanted: str) -> User:
    """The person a login challenge names, if it is intact, current, of this tenant, meant
    for the `wanted` step, and the person may still sign in here (else a 401)."""
    try:
        challenge, mark = two_factor.challenge_read(token, tenant_id=tenant.id)
    except two_factor.ChallengeInvalid as exc:
        services.audit_record(
            tenant_id=tenant.id,
            action=AuditAction.TWO_FACTOR_FAILED,
            request=request,
            detail={"reason": "bad_challenge"},
        )
        raise HttpError(401, str(exc)) from None
    user = User.objects.filter(pk=challenge.user_id, is_active=True).first()
    valid = (
        user is not None
        and challenge.next == wanted
        and two_factor.password_mark_matches(mark, user.password)
        and (user.is_superuser or membership_for_user(tenant=tenant, user=user) is not None)
    )
    if not valid or user is None:
        raise HttpError(401, "The sign-in challenge is not valid any more; sign in with your password again.")
    return user


@router.get("/auth/csrf", auth=None, response=CsrfOut)
def csrf(request: HttpRequest) -> CsrfOut:
    """Sets the CSRF cookie; send the value back in `X-CSRFToken` on unsafe requests."""
    return CsrfOut(csrf_token=get_token(request))


@router.post("/auth/login", auth=None, response={200: MeOut, 202: TwoFactorChallengeOut})
def login_view(request: HttpRequest, payload: LoginIn) -> MeOut | Status[TwoFactorChallengeOut]:
    """Password step. 200: signed in. 202: a second step is needed (`status` says which):
    nothing is signed in until it succeeds."""
    tenant = request_tenant(request)
    require_csrf(request)
    user = authenticate(request, username=payload.email, password=payload.password)
    if getattr(request, "login_locked_out", False):
        raise HttpError(429, "Too many failed sign-ins for this email. Try again in a few minutes.")
    if not isinstance(user, User):
        raise HttpError(401, "Invalid email or password.")
    membership = membership_for_user(tenant=tenant, user=user)
    next_step = selectors.login_next_step(tenant=tenant, user=user, membership=membership)
    if next_step is None:
        return sign_in(request, tenant, user)
    throttle.reset(tenant_id=tenant.id, email=user.email)  # the password was right
    token = two_factor.challenge_sign(
        user_id=user.pk, tenant_id=tenant.id, next=next_step, password_hash=user.password
    )
    status = "code_required" if next_step == two_factor.Next.CODE else "enrolment_required"
    return Status(
        202,
        TwoFactorChallengeOut(
            status=status, challenge=token, expires_in=settings.TWO_FACTOR_CHALLENGE_SECONDS
        ),
    )


@router.post("/auth/login/code", auth=None, response={200: MeOut})
def login_code(request: HttpRequest, payload: LoginCodeIn) -> MeOut:
    """Code step: the challenge from the password step and a TOTP or recovery code."""
    tenant = request_tenant(request)
    require_csrf(request)
    user = challenge_user(request, tenant, payload.challenge, two_factor.Next.CODE)
    try:
        two_factor_services.code_verify(tenant_id=tenant.id, user=user, code=payload.code, request=request)
    except CodeRefused as exc:
        raise HttpError(401, str(exc)) from None
    return sign_in(request, tenant, user)


@router.post("/auth/logout", auth=session_only, response={204: None})
def logout_view(request: HttpRequest) -> Status[None]:
    logout(request)
    return Status(204, None)


@router.post("/auth/password", auth=session_only, response={204: None})
def password_change(request: HttpRequest, payload: PasswordChangeIn) -> Status[None]:
    """Change your password. Every other session and socket of yours ends; this one stays."""
    user: User = request.user  # type: ignore[assignment]
    tenant = request_tenant(request)
    if not user.check_password(payload.current_password):
        services.audit_record(
            tenant_id=tenant.id,
            action=AuditAction.LOGIN_FAILED,
            actor_id=user.pk,
            request=request,
            detail={"reason": "password change: wrong current password"},
        )
        raise HttpError(403, "The current password is not correct.")
    services.user_set_password(user=user, password=payload.new_password)
    before = request.session.session_key  # this browser's sockets name the session by it
    update_session_auth_hash(request, user)  # keeps this session, under a new key
    keep = request.session.session_key
    if keep:
        session_register(user_id=user.pk, tenant_id=tenant.id, session_key=keep)
    transaction.on_commit(
        lambda: sessions_revoke(user_id=user.pk, keep=keep, keep_socket_of=before, reason="password changed")
    )
    return Status(204, None)


@router.get("/auth/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """The signed-in caller; 401 when nobody is. Browsers probe `/auth/session` instead."""
    return me_out(request, request.user)  # type: ignore[arg-type]


@router.patch("/auth/me", auth=session_only, response=MeOut)
def me_update(request: HttpRequest, payload: MePatchIn) -> MeOut:
    """Save the caller's own language; it drives the portal and the mails they receive."""
    user: User = request.user  # type: ignore[assignment]
    services.user_set_locale(user=user, locale=payload.locale)
    return me_out(request, user)


@router.get("/auth/session", auth=None, response=SessionOut)
def session(request: HttpRequest) -> SessionOut:
    """Who is signed in on this host, answered 200 either way: "nobody" is a normal state
    of a page that has just opened, not an error the browser should log."""
    user = request.user
    if getattr(request, "tenant", None) is None or not isinstance(user, User) or not user.is_authenticated:
        return SessionOut(signed_in=False, me=None)
    return SessionOut(signed_in=True, me=me_out(request, user))


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
    caller: ApiToken | None = getattr(request, "api_token", None)
    if caller is not None and (caller.read_only or caller.areas or caller.expires_at is not None):
        raise HttpError(
            403, "A scoped or expiring token cannot create tokens; use the portal or a full token."
        )
    expires_at = timezone.now() + timedelta(days=payload.expires_in_days) if payload.expires_in_days else None
    token, raw = services.api_token_create(
        tenant=request_tenant(request),
        membership=membership,
        name=payload.name,
        request=request,
        read_only=payload.read_only,
        areas=payload.areas,
        expires_at=expires_at,
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
