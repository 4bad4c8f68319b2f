"""Writes for accounts: users, API tokens and audit records."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken, AuditEvent, User
from accounts.selectors import api_token_lookup
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Membership, PlatformAuditEvent, Tenant

TOKEN_AREA_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def _client_details(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def audit_record(
    *,
    tenant_id: int | None,
    action: str,
    actor_id: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one security event: to the tenant's log, or the platform's when there is none."""
    fields = {"actor_id": actor_id, "action": action, "detail": detail or {}, **_client_details(request)}
    if tenant_id is None:
        PlatformAuditEvent.objects.create(**fields)
        return
    with tenant_context(tenant_id):
        AuditEvent.objects.create(tenant_id=tenant_id, **fields)


def user_create(*, email: str, password: str | None, full_name: str = "", is_superuser: bool = False) -> User:
    email = email.strip().lower()
    candidate = User(email=email, full_name=full_name)
    candidate.full_clean(exclude=["password"], validate_constraints=False)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"A user with email {email} already exists."})
    if password is not None:
        validate_password(password, user=candidate)
    with transaction.atomic():
        if is_superuser:
            return User.objects.create_superuser(email, password, full_name=full_name)
        return User.objects.create_user(email, password, full_name=full_name)


def user_set_locale(*, user: User, locale: str) -> None:
    user.locale = locale
    user.save(update_fields=["locale"])


def user_set_password(*, user: User, password: str) -> None:
    validate_password(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])


def clean_token_areas(areas: list[str]) -> list[str]:
    cleaned = sorted({a.strip().lower() for a in areas if a.strip()})
    bad = [a for a in cleaned if not TOKEN_AREA_RE.match(a)]
    if bad:
        raise ValidationError(
            {"areas": f"Not an API area: {', '.join(bad)[:200]} (e.g. tickets, kb, reports)."}
        )
    return cleaned


def api_token_create(
    *,
    tenant: Tenant,
    membership: Membership,
    name: str,
    request: HttpRequest | None = None,
    read_only: bool = False,
    areas: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never shown again. A token may
    be limited to reads, to some API areas, and to a lifetime (see `tokens.scope_refusal`)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the integration using it."})
    cleaned_areas = clean_token_areas(areas or [])
    if membership.tenant_id != tenant.id:
        raise ValidationError("The membership does not belong to this tenant.")
    raw = tokens.generate(tenant.id)
    with tenant_context(tenant.id):
        token = ApiToken.objects.create(
            tenant=tenant,
            membership=membership,
            name=name[:100],
            prefix=tokens.display_prefix(raw)[:16],
            token_hash=tokens.digest(raw),
            read_only=read_only,
            areas=cleaned_areas,
            expires_at=expires_at,
        )
        audit_record(
            tenant_id=tenant.id,
            action=AuditAction.TOKEN_CREATED,
            actor_id=membership.user_id,
            request=request,
            detail={
                "token_id": token.id,
                "name": token.name,
                "read_only": read_only,
                "areas": cleaned_areas,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw


def api_token_revoke(
    *, tenant: Tenant, token: ApiToken, actor_id: int, request: HttpRequest | None = None
) -> ApiToken:
    with tenant_context(tenant.id):
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                tenant_id=tenant.id,
                action=AuditAction.TOKEN_REVOKED,
                actor_id=actor_id,
                request=request,
                detail={"token_id": token.id},
            )
    return token


def api_token_record_use(*, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Record a token's use: `last_used_at` and one `token.used` audit event per token per
    window (`API_TOKEN_TOUCH_SECONDS`, a minute), not one per request.

    The event names the first request of the window; an integration calling the API all day
    leaves about one row a minute instead of one per call (which cost five queries each).
    """
    now = timezone.now()
    if token.last_used_at is not None and (
        (now - token.last_used_at).total_seconds() < settings.API_TOKEN_TOUCH_SECONDS
    ):
        return
    # Compare-and-set on the old value (None matches IS NULL): one writer per window.
    touched = ApiToken.objects.filter(
        tenant_id=token.tenant_id, id=token.id, last_used_at=token.last_used_at
    ).update(last_used_at=now)
    token.last_used_at = now
    if not touched:
        return  # another worker recorded this window's use a moment ago
    audit_record(
        tenant_id=token.tenant_id,
        action=AuditAction.TOKEN_USED,
        actor_id=token.membership.user_id,
        request=request,
        detail={
            "token_id": token.id,
            "method": request.method if request else "",
            "path": request.path if request else "",
            "window_seconds": settings.API_TOKEN_TOUCH_SECONDS,
        },
    )


def api_token_authenticate(*, raw: str, request: HttpRequest | None = None) -> ApiToken | None:
    """Return the active token for `raw`, recording its use. Call inside the token's tenant context."""
    token = api_token_lookup(raw=raw)
    if token is not None:
        api_token_record_use(token=token, request=request)
    return token
