"""Self-service API on a tenant host: customer sign-up and password reset (no sign-in needed)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import Field

from accounts.schemas import MeOut
from accounts.services.customer_signup import customer_signup_confirm, customer_signup_request
from accounts.services.selfservice import (
    password_reset_confirm,
    password_reset_request,
    throttle_hit,
)
from api_kit.auth import request_tenant

router = Router(tags=["accounts"])
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"


class SignupIn(Schema):
    """The password is chosen on the mailed link's page, not here."""

    email: str = Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)
    full_name: str = Field(default="", max_length=150)


class ResetRequestIn(Schema):
    email: str = Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)


class ResetConfirmIn(Schema):
    uid: str = Field(min_length=1, max_length=40)
    token: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class AcceptedOut(Schema):
    detail: str


def _guard(request: HttpRequest, scope: str) -> None:
    """CSRF as for login (these run on a session), and a per-IP limit on the whole scope."""
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: GET /api/v1/auth/csrf first, then send X-CSRFToken.")
    limit_per_client_address(request, scope=scope, per_hour=settings.SELF_SERVICE_MAX_PER_IP_PER_HOUR)


def limit_per_client_address(request: HttpRequest, *, scope: str, per_hour: int) -> None:
    """429 once the client address has made `per_hour` requests of `scope` this hour."""
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    if throttle_hit(scope=scope, key=ip, limit=per_hour, window_seconds=3600):
        raise HttpError(429, "Too many requests from this address. Try again in an hour.")


class SignupConfirmIn(Schema):
    token: str = Field(min_length=1, max_length=500)
    password: str = Field(default="", max_length=200, description="Needed for a new account.")


@router.post("/auth/signup", auth=None, response={202: AcceptedOut})
def signup(request: HttpRequest, payload: SignupIn) -> Status[AcceptedOut]:
    """Ask for a customer account, when the tenant allows sign-ups (403 otherwise). The mail
    holds a link whose page sets the password; the answer is the same whether or not the
    email has an account."""
    tenant = request_tenant(request)
    _guard(request, "signup")
    try:
        requested = customer_signup_request(tenant=tenant, email=payload.email, full_name=payload.full_name)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(202, AcceptedOut(detail=f"Check {requested.email} for a link to finish signing up."))


@router.post("/auth/signup/confirm", auth=None, response={201: MeOut})
def signup_confirm(request: HttpRequest, payload: SignupConfirmIn) -> Status[MeOut]:
    """Finish a sign-up with the mail's link: creates the account with `password` (or adds this
    help center to the existing account, whose password stays) and signs in. 422 when the link
    is invalid, expired or used, or a new account's password is missing or weak."""
    tenant = request_tenant(request)
    _guard(request, "signup-confirm")
    membership = customer_signup_confirm(tenant=tenant, token=payload.token, password=payload.password)
    user = membership.user
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return Status(
        201,
        MeOut(
            id=user.pk,
            email=user.email,
            full_name=user.full_name,
            locale=user.locale,
            tenant=tenant.slug,
            role=membership.role,
            membership_id=membership.id,
        ),
    )


@router.post("/auth/password-reset", auth=None, response={202: AcceptedOut})
def reset_request(request: HttpRequest, payload: ResetRequestIn) -> Status[AcceptedOut]:
    """Email a one-time reset link. The answer is the same whether or not the address is known."""
    tenant = request_tenant(request)
    _guard(request, "reset")
    password_reset_request(tenant=tenant, email=payload.email)
    return Status(
        202,
        AcceptedOut(detail="If this email has an account here, a link to reset the password is on its way."),
    )


@router.post("/auth/password-reset/confirm", auth=None, response={204: None})
def reset_confirm(request: HttpRequest, payload: ResetConfirmIn) -> Status[None]:
    """Set a new password with the link's `uid` and `token` (422 when the link is invalid or used)."""
    tenant = request_tenant(request)
    _guard(request, "reset-confirm")
    password_reset_confirm(tenant=tenant, uid=payload.uid, token=payload.token, password=payload.password)
    return Status(204, None)
