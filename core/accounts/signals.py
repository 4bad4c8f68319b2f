"""Audit receivers for Django's login, logout and login-failure signals; sign-in and out
also keep the person's list of sessions (`session_registry`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts import throttle
from accounts.models import User
from accounts.services.users import audit_record
from accounts.session_registry import session_register, session_unregister
from tenancy.models import AuditAction


def _tenant_id(request: HttpRequest | None) -> int | None:
    tenant = getattr(request, "tenant", None)
    return tenant.id if tenant else None


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    tenant_id = _tenant_id(request)
    if request is not None:
        # Bind the session to this tenant: the middleware refuses it on any other host.
        request.session["tenant_id"] = tenant_id
        if request.session.session_key:
            session_register(user_id=user.pk, tenant_id=tenant_id, session_key=request.session.session_key)
    throttle.reset(tenant_id=tenant_id, email=user.email)
    audit_record(tenant_id=tenant_id, action=AuditAction.LOGIN, actor_id=user.pk, request=request)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and request is not None and request.session.session_key:
        session_unregister(user_id=user.pk, session_key=request.session.session_key)
    audit_record(
        tenant_id=_tenant_id(request),
        action=AuditAction.LOGOUT,
        actor_id=user.pk if user else None,
        request=request,
    )


@receiver(user_login_failed)
def audit_login_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    tenant_id = _tenant_id(request)
    locked = bool(getattr(request, "login_locked_out", False))
    if not locked:
        throttle.record_failure(tenant_id=tenant_id, email=email)
    audit_record(
        tenant_id=tenant_id,
        action=AuditAction.LOCKED_OUT if locked else AuditAction.LOGIN_FAILED,
        request=request,
        detail={"email": email[:254]},
    )
