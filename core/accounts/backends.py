"""Password authentication with per-tenant membership checks and lockout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import throttle
from accounts.models import User
from accounts.selectors import membership_for_user

# A user the request already read (with its membership, in the tenant middleware's first
# round trip); `get_user` takes it instead of querying again when the session names it.
_prefetched_user: ContextVar[User | None] = ContextVar("prefetched_user", default=None)


@contextmanager
def prefetched_user(user: User | None) -> Iterator[None]:
    token = _prefetched_user.set(user)
    try:
        yield
    finally:
        _prefetched_user.reset(token)


class ThrottledTenantBackend(ModelBackend):
    """Email + password, allowed only for members of the request's tenant.

    On the platform host (no tenant) only platform operators may sign in. After
    LOGIN_MAX_FAILURES failures the email is locked for LOGIN_LOCKOUT_SECONDS.
    """

    def get_user(self, user_id: Any) -> User | None:
        """As ModelBackend's (an inactive user is none), without the query when the request
        has read this user already. Django still verifies the session's auth hash on it."""
        user = _prefetched_user.get()
        if user is not None and str(user.pk) == str(user_id):
            return user if self.user_can_authenticate(user) else None
        return super().get_user(user_id)

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
