"""The reusable two-tenant check: another tenant's ids answer 404, every way one can ask.

Use it on every endpoint that takes an id:

    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/teams/{team.id}")

where the path names an object of tenant A (`two_tenants.a`). It first proves the
path works for A's member (so the check can fail), then that B's member gets 404 with
a session on B's host, with a token on B's host, with B's token on A's host, and with
B's session cookie sent to A's host.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.test import Client

from tenancy.context import tenant_context
from tenancy.models import Role, Team
from testing.factories import TenantWorld, host_for, make_member, make_tenant, session_client, token_client


@dataclass
class TwoTenants:
    a: TenantWorld
    b: TenantWorld


def _call(client: Client, method: str, path: str, data: Any, host: str | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if host is not None:
        kwargs["HTTP_HOST"] = host
    if data is not None:
        return getattr(client, method)(path, data=json.dumps(data), content_type="application/json", **kwargs)
    return getattr(client, method)(path, **kwargs)


def assert_other_tenant_gets_404(
    worlds: TwoTenants,
    method: str,
    path: str,
    data: Any = None,
    role: str = Role.OWNER,
    expect_ok: bool = True,
) -> None:
    owner_member = worlds.a.members[role]
    intruder = worlds.b.members[role]
    if expect_ok:
        response = _call(session_client(owner_member), method, path, data)
        assert response.status_code < 400, (
            f"{method.upper()} {path} should work for tenant A's {role} (got {response.status_code}: "
            f"{response.content[:200]!r}); the isolation check would prove nothing"
        )
    attempts = {
        "B's session on B's host": (session_client(intruder), None),
        "B's token on B's host": (token_client(intruder)[0], None),
        "B's token on A's host": (token_client(intruder, host_tenant=worlds.a.tenant)[0], None),
        "B's session cookie on A's host": (session_client(intruder), host_for(worlds.a.tenant)),
    }
    for label, (client, host) in attempts.items():
        response = _call(client, method, path, data, host)
        assert response.status_code == 404, (
            f"{label}: {method.upper()} {path} answered {response.status_code}, expected 404: "
            f"{response.content[:300]!r}"
        )


def assert_interleaved_requests_stay_apart(
    *, slugs: tuple[str, str], requests: int = 80, threads: int = 6
) -> None:
    """Two tenants with three teams each; `requests` API calls alternating between them from
    `threads` threads, each request on whatever pooled connection it is handed; every answer
    lists exactly its own tenant's teams. Needs committed data (the `committed` fixture)."""
    tenants = {slug: make_tenant(slug) for slug in slugs}
    tokens = {}
    for slug, tenant in tenants.items():
        with tenant_context(tenant.id):
            for i in range(3):
                Team.objects.create(tenant=tenant, name=f"{slug}-team-{i}")
        tokens[slug] = token_client(make_member(tenant, Role.AGENT))[1]
    connections.close_all()

    def fetch(slug: str) -> tuple[str, list[str]]:
        client = Client(HTTP_HOST=host_for(tenants[slug]), HTTP_AUTHORIZATION=f"Bearer {tokens[slug]}")
        response = client.get("/api/v1/teams")
        names = (
            [team["name"] for team in response.json()]
            if response.status_code == 200
            else [str(response.status_code)]
        )
        connections.close_all()  # back to the pool; the next request may get the other tenant's connection
        return slug, names

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(fetch, [slugs[i % 2] for i in range(requests)]))
    for slug, names in results:
        assert names == sorted(f"{slug}-team-{i}" for i in range(3)), (slug, names)

    # The same connections, asked without any tenant: nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenancy_team")
        assert cursor.fetchone()[0] == 0
