"""Password authentication with per-tenant membership checks and lockout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import throttle
from accounts.models import User
from tenancy.selectors import membership_for_user


class ThrottledTenantBackend(ModelBackend):
    """Email + password, allowed only for members of the request's tenant.

    On the platform host (no tenant) only platform operators may sign in. After
    LOGIN_MAX_FAILURES failures the email is locked for LOGIN_LOCKOUT_SECONDS.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or password is None:
            return None
        tenant = getattr(request, "tenant", None)
        tenant_id = tenant.id if tenant else None
        if throttle.is_locked_out(tenant_id=tenant_id, email=email):
            if request is not None:
                request.login_locked_out = True  # type: ignore[attr-defined]  # read by the API's error message
            raise PermissionDenied("Too many failed logins; try again later.")
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if not isinstance(user, User):
            return None
        if tenant is None:
            return user if user.is_superuser else None
        if user.is_superuser or membership_for_user(tenant=tenant, user=user) is not None:
            return user
        return None
