"""Two-factor sign-in API: status, enrolment (also from a login challenge when the tenant
requires it), turning it off, new recovery codes, and the tenant's staff policy."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from accounts import selectors, two_factor
from accounts.api.sessions import challenge_user, me_out, require_csrf, sign_in
from accounts.models import User
from accounts.schemas import (
    EnrolConfirmedOut,
    EnrolConfirmIn,
    EnrolIn,
    EnrolmentOut,
    RecoveryCodesIn,
    RecoveryCodesOut,
    SecurityPolicyIn,
    SecurityPolicyOut,
    TwoFactorDisableIn,
    TwoFactorStatusOut,
)
from accounts.services import two_factor as services
from accounts.session_registry import sessions_revoke
from api_kit.auth import admin_only, request_tenant, require_membership, session_only
from tenancy.models import Tenant
from tenancy.selectors import two_factor_required_for_staff

router = Router(tags=["two-factor"])


def _enrolling_user(request: HttpRequest, tenant: Tenant, challenge: str | None) -> User:
    """The signed-in person, or the one an `enrol` login challenge names (not signed in yet)."""
    if getattr(request, "api_token", None) is not None:
        # A token is not the person at the keyboard: it may not choose their second factor.
        raise HttpError(403, "Set up two-factor sign-in in the browser, not with an API token.")
    if challenge:
        return challenge_user(request, tenant, challenge, two_factor.Next.ENROL)
    if request.user.is_authenticated and getattr(request, "membership", None) is not None:
        return request.user
    raise HttpError(401, "Sign in, or send the challenge from the sign-in step.")


@router.get("/auth/2fa", response=TwoFactorStatusOut, auth=session_only)
def status(request: HttpRequest) -> TwoFactorStatusOut:
    user_id = require_membership(request).user_id
    device = selectors.totp_device_of(user_id=user_id)
    return TwoFactorStatusOut(
        enabled=device is not None and device.confirmed_at is not None,
        pending=device is not None and device.confirmed_at is None,
        recovery_codes_left=selectors.recovery_codes_left(user_id=user_id),
        required_by_tenant=two_factor_required_for_staff(request_tenant(request)),
    )


@router.post("/auth/2fa/enrol", auth=None, response=EnrolmentOut)
def enrol(request: HttpRequest, payload: EnrolIn) -> EnrolmentOut:
    """Start a set-up: a new secret, its otpauth URI and QR code. Nothing changes for sign-in
    until `/auth/2fa/confirm` accepts a first code."""
    tenant = request_tenant(request)
    require_csrf(request)
    user = _enrolling_user(request, tenant, payload.challenge)
    enrolment = services.enrol_start(user=user, issuer=tenant.name)
    return EnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_svg=enrolment.qr_svg)


@router.post("/auth/2fa/confirm", auth=None, response=EnrolConfirmedOut)
def confirm(request: HttpRequest, payload: EnrolConfirmIn) -> EnrolConfirmedOut:
    """Confirm the set-up with a first code; answers the recovery codes, once. With a login
    challenge this also signs you in; signed in, your other sessions end."""
    tenant = request_tenant(request)
    require_csrf(request)
    user = _enrolling_user(request, tenant, payload.challenge)
    via_challenge = bool(payload.challenge)
    codes = services.enrol_confirm(tenant_id=tenant.id, user=user, code=payload.code, request=request)
    me = sign_in(request, tenant, user) if via_challenge else me_out(request, user)
    # After signing in (which makes this session's key): the other sessions end, this one stays.
    keep = request.session.session_key
    transaction.on_commit(lambda: sessions_revoke(user_id=user.pk, keep=keep, reason="two-factor enabled"))
    return EnrolConfirmedOut(recovery_codes=codes, me=me if via_challenge else None)


@router.post("/auth/2fa/disable", auth=session_only, response={204: None})
def disable(request: HttpRequest, payload: TwoFactorDisableIn) -> Status[None]:
    """Turn two-factor sign-in off (password and a code). Refused while the tenant requires it
    of staff; your other sessions end."""
    tenant = request_tenant(request)
    membership = require_membership(request)
    if membership.is_staff_role and two_factor_required_for_staff(tenant):
        raise HttpError(409, "This desk requires two-factor sign-in for staff; it cannot be turned off.")
    services.disable(
        tenant_id=tenant.id,
        user=request.user,  # type: ignore[arg-type]
        password=payload.password,
        code=payload.code,
        request=request,
        keep_session=request.session.session_key,
    )
    return Status(204, None)


@router.post("/auth/2fa/recovery-codes", auth=session_only, response=RecoveryCodesOut)
def recovery_codes(request: HttpRequest, payload: RecoveryCodesIn) -> RecoveryCodesOut:
    """New recovery codes (the old ones stop working), for a current authenticator code."""
    codes = services.recovery_codes_regenerate(
        tenant_id=request_tenant(request).id,
        user=request.user,  # type: ignore[arg-type]
        code=payload.code,
        request=request,
    )
    return RecoveryCodesOut(recovery_codes=codes)


@router.get("/tenant/security", response=SecurityPolicyOut, auth=admin_only)
def policy(request: HttpRequest) -> SecurityPolicyOut:
    return SecurityPolicyOut(
        two_factor_required_for_staff=two_factor_required_for_staff(request_tenant(request))
    )


@router.put("/tenant/security", response=SecurityPolicyOut, auth=admin_only)
def policy_set(request: HttpRequest, payload: SecurityPolicyIn) -> SecurityPolicyOut:
    """Require two-factor sign-in for staff (owners and admins). Turning it on ends the
    sessions of staff without it; their next sign-in leads them through the set-up."""
    user: User = request.user  # type: ignore[assignment]
    tenant = services.policy_set(
        tenant=request_tenant(request),
        required=payload.two_factor_required_for_staff,
        actor=user,
        actor_has_two_factor=selectors.has_two_factor(user_id=user.pk),
        request=request,
    )
    return SecurityPolicyOut(two_factor_required_for_staff=two_factor_required_for_staff(tenant))
