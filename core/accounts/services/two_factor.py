"""Writes of two-factor sign-in: enrolment, the code check (with replay refusal and lockout),
recovery codes, turning it off, and the tenant's "required for staff" policy.

A code check counts against two limits: wrong codes per person and tenant (after
TWO_FACTOR_MAX_FAILURES the code step is locked for LOGIN_LOCKOUT_SECONDS, like passwords)
and attempts per client address (TWO_FACTOR_MAX_PER_IP_PER_MINUTE). Every refused code is an
audit row (`2fa.failed`, with why: wrong, replayed or locked).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import throttle, two_factor
from accounts.models import RecoveryCode, TotpDevice, User
from accounts.selectors import staff_without_two_factor, totp_device_of
from accounts.services.users import audit_record
from accounts.session_registry import sessions_revoke
from tenancy.models import AuditAction, Tenant


class CodeRefused(PermissionDenied):
    """A wrong, replayed or malformed code (the message says which, without revealing a secret)."""


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def _client(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") if request is not None else None) or "unknown"


def _refuse(*, tenant_id: int, user: User, request: HttpRequest | None, reason: str, message: str) -> None:
    failures = throttle.record_failure(tenant_id=tenant_id, email=str(user.pk), kind=throttle.TWO_FACTOR)
    audit_record(
        tenant_id=tenant_id,
        action=AuditAction.TWO_FACTOR_FAILED,
        actor_id=user.pk,
        request=request,
        detail={"reason": reason, "failures": failures},
    )
    raise CodeRefused(message)


def _check_limits(*, tenant_id: int, user: User, request: HttpRequest | None) -> None:
    throttle.rate_limit(
        scope="2fa-code",
        tenant_id=tenant_id,
        client=_client(request),
        limit=settings.TWO_FACTOR_MAX_PER_IP_PER_MINUTE,
        window=60,
    )
    if throttle.is_locked_out(tenant_id=tenant_id, email=str(user.pk), kind=throttle.TWO_FACTOR):
        audit_record(
            tenant_id=tenant_id,
            action=AuditAction.TWO_FACTOR_LOCKED_OUT,
            actor_id=user.pk,
            request=request,
        )
        raise throttle.RateLimited("too many wrong codes", settings.LOGIN_LOCKOUT_SECONDS)


def _accept_totp(device: TotpDevice, code: str) -> str:
    """'ok' (and the step is recorded), 'replayed' or 'wrong'."""
    secret = two_factor.unseal(device.secret)
    if secret is None:
        return "wrong"
    step = two_factor.matching_step(secret, code, after_step=device.last_used_step)
    if step is None:
        seen = two_factor.matching_step(secret, code, after_step=-1)
        return "replayed" if seen is not None else "wrong"
    # Compare-and-set: of two requests with the same code at once, one wins.
    won = TotpDevice.objects.filter(id=device.id, last_used_step__lt=step).update(last_used_step=step)
    if not won:
        return "replayed"
    device.last_used_step = step
    return "ok"


def _accept_recovery_code(user: User, code: str) -> bool:
    digest = two_factor.recovery_code_hash(user.pk, code)
    used = RecoveryCode.objects.filter(user=user, code_hash=digest, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return bool(used)


def code_verify(
    *,
    tenant_id: int,
    user: User,
    code: str,
    request: HttpRequest | None = None,
    recovery_allowed: bool = True,
) -> str:
    """Check a TOTP code (or a recovery code) of a confirmed authenticator; returns which kind
    was used ("totp" or "recovery"). Raises CodeRefused or throttle.RateLimited."""
    _check_limits(tenant_id=tenant_id, user=user, request=request)
    normalized = two_factor.normalize_code(code)
    device = totp_device_of(user_id=user.pk)
    if device is None or device.confirmed_at is None:
        _refuse(
            tenant_id=tenant_id,
            user=user,
            request=request,
            reason="no_device",
            message="Two-factor sign-in is not set up.",
        )
    assert device is not None
    if two_factor.looks_like_totp(normalized):
        outcome = _accept_totp(device, normalized)
        if outcome == "replayed":
            _refuse(
                tenant_id=tenant_id,
                user=user,
                request=request,
                reason="replayed",
                message="This code was used already; wait for the next one.",
            )
        if outcome == "wrong":
            _refuse(
                tenant_id=tenant_id,
                user=user,
                request=request,
                reason="wrong",
                message="The code is not valid.",
            )
        kind = "totp"
    elif recovery_allowed and _accept_recovery_code(user, normalized):
        kind = "recovery"
        audit_record(
            tenant_id=tenant_id, action=AuditAction.RECOVERY_CODE_USED, actor_id=user.pk, request=request
        )
    else:
        _refuse(
            tenant_id=tenant_id, user=user, request=request, reason="wrong", message="The code is not valid."
        )
    throttle.reset(tenant_id=tenant_id, email=str(user.pk), kind=throttle.TWO_FACTOR)
    return kind


def enrol_start(*, user: User, issuer: str) -> Enrolment:
    """A new secret for the user's authenticator app; it counts once a first code confirms it."""
    device = totp_device_of(user_id=user.pk)
    if device is not None and device.confirmed_at is not None:
        raise ValidationError("Two-factor sign-in is on already; turn it off first to set up another app.")
    secret = two_factor.new_secret()
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        TotpDevice.objects.create(user=user, secret=two_factor.seal(secret))
    uri = two_factor.provisioning_uri(secret, account=user.email, issuer=issuer)
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=two_factor.qr_svg(uri))


def _replace_recovery_codes(user: User) -> list[str]:
    codes = two_factor.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=two_factor.recovery_code_hash(user.pk, c)) for c in codes
    )
    return codes


def enrol_confirm(*, tenant_id: int, user: User, code: str, request: HttpRequest | None = None) -> list[str]:
    """Confirm the pending authenticator with its first code; returns the recovery codes
    (shown once). The caller ends the person's other sessions (opened without the factor)
    once it knows which session is this one: confirming may sign in."""
    _check_limits(tenant_id=tenant_id, user=user, request=request)
    device = totp_device_of(user_id=user.pk)
    if device is None or device.confirmed_at is not None:
        raise ValidationError("There is no pending set-up; start the set-up again.")
    if _accept_totp(device, two_factor.normalize_code(code)) != "ok":
        _refuse(
            tenant_id=tenant_id, user=user, request=request, reason="wrong", message="The code is not valid."
        )
    with transaction.atomic():
        TotpDevice.objects.filter(id=device.id).update(confirmed_at=timezone.now())
        codes = _replace_recovery_codes(user)
        audit_record(
            tenant_id=tenant_id, action=AuditAction.TWO_FACTOR_ENROLLED, actor_id=user.pk, request=request
        )
    throttle.reset(tenant_id=tenant_id, email=str(user.pk), kind=throttle.TWO_FACTOR)
    return codes


def _check_password(*, tenant_id: int, user: User, password: str, request: HttpRequest | None) -> None:
    if not user.check_password(password):
        _refuse(
            tenant_id=tenant_id,
            user=user,
            request=request,
            reason="wrong_password",
            message="The password is not correct.",
        )


def disable(
    *,
    tenant_id: int,
    user: User,
    password: str,
    code: str,
    request: HttpRequest | None = None,
    keep_session: str | None = None,
) -> None:
    """Turn two-factor sign-in off: needs the password and a current (or recovery) code."""
    _check_limits(tenant_id=tenant_id, user=user, request=request)
    _check_password(tenant_id=tenant_id, user=user, password=password, request=request)
    code_verify(tenant_id=tenant_id, user=user, code=code, request=request)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit_record(
            tenant_id=tenant_id, action=AuditAction.TWO_FACTOR_DISABLED, actor_id=user.pk, request=request
        )
        transaction.on_commit(
            lambda: sessions_revoke(user_id=user.pk, keep=keep_session, reason="two-factor disabled")
        )


def recovery_codes_regenerate(
    *, tenant_id: int, user: User, code: str, request: HttpRequest | None = None
) -> list[str]:
    """New recovery codes (the old ones stop working); needs a current authenticator code."""
    code_verify(tenant_id=tenant_id, user=user, code=code, request=request, recovery_allowed=False)
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit_record(
            tenant_id=tenant_id,
            action=AuditAction.RECOVERY_CODES_REGENERATED,
            actor_id=user.pk,
            request=request,
        )
    return codes


def policy_set(
    *,
    tenant: Tenant,
    required: bool,
    actor: User,
    actor_has_two_factor: bool,
    request: HttpRequest | None = None,
) -> Tenant:
    """Require (or not) two-factor sign-in for the tenant's staff. Turning it on ends the
    sessions of staff without it, so their next sign-in sends them to enrolment; the admin
    who turns it on must have it (no locking oneself out)."""
    if required and not actor_has_two_factor:
        raise ValidationError(
            {"two_factor_required_for_staff": "Turn on two-factor sign-in for yourself first."}
        )
    with transaction.atomic():
        fresh = Tenant.objects.select_for_update().get(id=tenant.id)
        tenant_settings = dict(fresh.settings or {})
        security = dict(tenant_settings.get("security") or {})
        security["two_factor_required_for_staff"] = required
        tenant_settings["security"] = security
        Tenant.objects.filter(id=tenant.id).update(settings=tenant_settings)
        tenant.settings = tenant_settings
        audit_record(
            tenant_id=tenant.id,
            action=AuditAction.TWO_FACTOR_POLICY_CHANGED,
            actor_id=actor.pk,
            request=request,
            detail={"two_factor_required_for_staff": required},
        )
        if required:
            for user_id in staff_without_two_factor(tenant=tenant):
                transaction.on_commit(
                    lambda uid=user_id: sessions_revoke(  # type: ignore[misc]
                        user_id=uid, tenant_id=tenant.id, reason="two-factor required"
                    )
                )
    return tenant
