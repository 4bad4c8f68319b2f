"""Authentication for the REST API: API tokens or the browser session (with CSRF).

The tenant middleware has already resolved the tenant, checked the token and the
membership; these classes say which of the two a request used and, on role-scoped routes
(`staff_only`, `admin_only`), that the caller's membership holds the role.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from tenancy.models import ADMIN_ROLES, STAFF_ROLES, Membership, Tenant


class ApiTokenAuth(HttpBearer):
    """An API token the middleware accepted; with `roles`, its member must hold one of them."""

    def __init__(self, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = getattr(request, "api_token", None)
        if api_token is not None and self.roles is not None:
            require_membership(request, self.roles)
        return api_token


class TenantSessionAuth(SessionAuth):
    """A signed-in browser session on a tenant host (CSRF checked on unsafe methods); with
    `roles`, the user's membership must hold one of them."""

    def __init__(self, roles: frozenset[str] | None = None) -> None:
        super().__init__()
        self.roles = roles

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if getattr(request, "api_token", None) is not None:
            return None
        if getattr(request, "tenant", None) is None or not request.user.is_authenticated:
            return None
        if self.roles is not None:
            require_membership(request, self.roles)
        return request.user


def _token_or_session(roles: frozenset[str] | None) -> list[HttpBearer | SessionAuth]:
    return [ApiTokenAuth(roles), TenantSessionAuth(roles)]


token_or_session = _token_or_session(None)
session_only = [TenantSessionAuth()]
# Role-scoped: who is not signed in gets 401 as above; a caller without the role, 403 (the
# messages of `require_membership`), before the handler or its input is looked at.
staff_only = _token_or_session(STAFF_ROLES)
admin_only = _token_or_session(ADMIN_ROLES)


def require_membership(request: HttpRequest, roles: frozenset[str] | None = None) -> Membership:
    """The caller's membership in the request's tenant, with one of `roles` if given."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise HttpError(403, "This needs a membership in this tenant.")
    if roles is not None and membership.role not in roles:
        raise HttpError(403, f"This needs one of the roles: {', '.join(sorted(roles))}.")
    return membership


def request_tenant(request: HttpRequest) -> Tenant:
    """The tenant the middleware resolved; API routes need one (the platform host has none)."""
    tenant: Tenant | None = getattr(request, "tenant", None)
    if tenant is None:
        raise HttpError(404, "Not Found")
    return tenant
