"""Resolve the request's tenant once, and run the request inside its database context.

The tenant comes from the host (`<slug>.<base domain>`) or from an API token
(`Authorization: Bearer flt_<tenant>_...`). Both must agree when both are present.
The rest of the request runs in one transaction with `app.tenant_id` set locally, so
row-level security hides every other tenant's rows. A user without a membership in
the tenant, a session from another tenant, or an unknown tenant all answer 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connections, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from accounts.backends import prefetched_user
from accounts.selectors import (
    api_token_from_row,
    api_token_query,
    membership_for_user,
    membership_from_row,
    membership_in_current_tenant_query,
)
from accounts.services.users import api_token_record_use
from accounts.tokens import parse as parse_token
from accounts.tokens import scope_refusal
from api_kit.problems import problem
from contracts.ids import parse_id
from db.rows import fetch_pipelined
from tenancy.context import cross_tenant_context, tenant_context_query
from tenancy.models import Tenant
from tenancy.selectors import tenant_by_slug, tenant_by_slug_setting_query, tenant_from_setting_row

# Paths that never touch tenant data (and must answer when the database is down).
EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/")


def host_slug(host: str) -> str | None:
    """`acme.localhost:8000` -> `acme`; the bare base domain -> None."""
    hostname = host.split(":", 1)[0].lower().rstrip(".")
    base = settings.BASE_DOMAIN.lower()
    if hostname.endswith("." + base):
        slug = hostname[: -len(base) - 1]
        return slug if slug and "." not in slug else None
    return None


@contextmanager
def host_tenant_context(
    slug: str, query: tuple[str, Sequence[Any]] | None, *, using: str = "default"
) -> Iterator[tuple[Tenant | None, list[tuple[Any, ...]]]]:
    """`tenant_context` for the active tenant named by a host, yielding (tenant or None, the
    rows of `query`).

    In a new transaction, BEGIN, finding the tenant and setting it (one statement), and
    `query` go to the server in one round trip: a browser request's tenant, membership and
    user cost one round trip instead of four. Without a tenant nothing is set, so `query`
    sees no tenant rows.
    """
    connection = connections[using]
    if connection.in_atomic_block:  # inside a caller's transaction (tests): one step at a time
        tenant = tenant_by_slug(slug=slug)
        if tenant is None:
            yield None, []
            return
        with tenant_context_query(tenant.id, query, using=using) as rows:
            yield tenant, rows
        return
    with transaction.atomic(using=using):
        statements = [tenant_by_slug_setting_query(slug=slug)] + ([query] if query is not None else [])
        results = fetch_pipelined(statements, prepared=True, using=using)
        found = results[0][0] if results[0] else None
        tenant = tenant_from_setting_row(found) if found is not None else None
        yield tenant, (results[1] if query is not None and tenant is not None else [])


def _session_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id as the session records it (None: anonymous or unreadable)."""
    value = request.session.get(SESSION_KEY)
    return parse_id(str(value)) if value is not None else None


def _not_found(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not Found"}, status=404)
    raise Http404("No such page.")


def _unauthorized(detail: str) -> HttpResponse:
    response = JsonResponse({"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="frontline"'
    return response


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.api_token = None  # type: ignore[attr-defined]
        if request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)

        slug = host_slug(request.get_host())
        bearer = request.META.get("HTTP_AUTHORIZATION", "")
        if bearer.lower().startswith("bearer "):
            return self._token_request(request, slug, bearer[7:].strip())
        if slug is None:
            return self._platform_request(request)
        return self._host_request(request, slug)

    def _run(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:
            # Django turned an exception into this response inside our transaction: undo it.
            transaction.set_rollback(True)
        return response

    def _host_request(self, request: HttpRequest, slug: str) -> HttpResponse:
        """A browser request on a tenant's host. BEGIN, the tenant (found and set) and the
        session user's membership with the user go to the database in one round trip; the
        user is then handed to Django's session check instead of being queried again."""
        user_id = _session_user_id(request)
        query = membership_in_current_tenant_query(user_id=user_id) if user_id is not None else None
        with host_tenant_context(slug, query) as (tenant, rows):
            if tenant is None:
                return _not_found(request)
            request.tenant = tenant  # type: ignore[attr-defined]
            membership = membership_from_row(rows[0]) if rows else None
            with prefetched_user(membership.user if membership is not None else None):
                user = request.user
                authenticated = user.is_authenticated  # Django reads the session user here
            if authenticated:
                if membership is None or membership.user_id != user.pk:
                    membership = membership_for_user(tenant=tenant, user=user)  # type: ignore[arg-type]
                session_tenant = request.session.get("tenant_id")
                if not user.is_superuser and (membership is None or session_tenant != tenant.id):
                    return _not_found(request)
                request.membership = membership  # type: ignore[attr-defined]
            return self._run(request)

    def _token_request(self, request: HttpRequest, slug: str | None, raw: str) -> HttpResponse:
        parsed = parse_token(raw)
        if parsed is None:
            return self._token_refused(request, slug, None)
        # The token names its tenant: one query finds token, membership, user and tenant
        # inside that tenant's context, sent together with BEGIN and the tenant setting;
        # the host, if any, must be the same tenant.
        with tenant_context_query(parsed.tenant_id, api_token_query(parsed=parsed)) as rows:
            token = api_token_from_row(rows[0] if rows else None)
            if token is None:
                return self._token_refused(request, slug, parsed.tenant_id)
            tenant = token.tenant
            if slug is not None and tenant.slug != slug:
                return _not_found(request)  # another tenant's token: as if nothing were here
            refusal = scope_refusal(
                read_only=token.read_only, areas=token.areas, method=request.method or "", path=request.path
            )
            if refusal is not None:
                return problem(403, refusal)
            api_token_record_use(token=token, request=request)
            request.tenant = tenant  # type: ignore[attr-defined]
            request.api_token = token  # type: ignore[attr-defined]
            request.membership = token.membership  # type: ignore[attr-defined]
            request.user = token.membership.user
            # A token is not a browser session: no cookies, so no CSRF to check.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            return self._run(request)

    @staticmethod
    def _token_refused(request: HttpRequest, slug: str | None, token_tenant_id: int | None) -> HttpResponse:
        """A token that did not authenticate: 404 when the host is unknown or another tenant's
        (as if nothing were there), else 401."""
        if slug is not None:
            host_tenant = tenant_by_slug(slug=slug)
            if host_tenant is None or (token_tenant_id is not None and host_tenant.id != token_tenant_id):
                return _not_found(request)
        return _unauthorized("Invalid or revoked API token.")

    def _platform_request(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        operator = user.is_authenticated and user.is_superuser and user.is_staff
        context: AbstractContextManager[object]
        if operator and request.path.startswith("/admin/"):
            context = cross_tenant_context(actor_id=user.pk, reason=f"{request.method} {request.path}")
        else:
            context = transaction.atomic()  # no tenant: tenant tables read as empty
        with context:
            return self._run(request)
