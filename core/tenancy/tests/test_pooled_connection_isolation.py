"""Interleaved requests for two tenants on pooled connections never see each other's data."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from tenancy.context import tenant_context
from tenancy.models import Team
from testing.factories import host_for, make_member, make_tenant, token_client


@pytest.mark.usefixtures("committed")
def test_interleaved_requests_for_two_tenants_on_pooled_connections():
    assert connection.settings_dict["OPTIONS"].get("pool"), "the app connection should be pooled"
    tenants = [make_tenant("pool-a"), make_tenant("pool-b")]
    clients = {}
    for tenant in tenants:
        with tenant_context(tenant.id):
            for i in range(3):
                Team.objects.create(tenant=tenant, name=f"{tenant.slug}-team-{i}")
        member = make_member(tenant, "agent")
        clients[tenant.slug] = token_client(member)[1]
    connections.close_all()

    def fetch(slug: str) -> tuple[str, list[str]]:
        client = Client(
            HTTP_HOST=host_for(next(t for t in tenants if t.slug == slug)),
            HTTP_AUTHORIZATION=f"Bearer {clients[slug]}",
        )
        response = client.get("/api/v1/teams")
        names = (
            [team["name"] for team in response.json()]
            if response.status_code == 200
            else [str(response.status_code)]
        )
        connections.close_all()  # back to the pool; the next request may get the other tenant's connection
        return slug, names

    order = ["pool-a", "pool-b"] * 40
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(fetch, order))
    for slug, names in results:
        assert names == sorted(f"{slug}-team-{i}" for i in range(3)), (slug, names)

    # The same pooled connections, asked without any tenant: nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenancy_team")
        assert cursor.fetchone()[0] == 0
