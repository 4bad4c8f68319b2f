"""Browser (session) requests as production runs them: no test transaction around them, so
BEGIN, the host's tenant and the session user's membership go out in one round trip and
Django's session check takes the user read there (`api.middleware.TenantMiddleware._host_request`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tenancy.context import tenant_context
from tenancy.models import Membership
from testing.factories import host_for, make_member, make_user, make_world, session_client
from testing.isolation import TwoTenants


def _me(client, host=None):
    return client.get("/api/v1/auth/me", **({"HTTP_HOST": host} if host else {}))


@pytest.mark.usefixtures("committed")
def test_a_session_request_costs_one_round_trip_before_the_endpoint_and_keeps_tenants_apart():
    worlds = TwoTenants(a=make_world("sess-a"), b=make_world("sess-b"))
    agent = session_client(worlds.a.agent)
    with CaptureQueriesContext(connection) as captured:
        response = _me(agent)
    assert response.status_code == 200, response.content
    assert response.json()["membership_id"] == worlds.a.agent.id
    statements = [q["sql"] for q in captured.captured_queries]
    assert not any('FROM "accounts_user"' in sql for sql in statements), "the user came with the membership"
    assert any("set_config('app.tenant_id', n.id::text, true)" in sql for sql in statements)

    # The same session on the other tenant's host is nobody there; an unknown host is nothing.
    assert _me(agent, host_for(worlds.b.tenant)).status_code == 404
    assert _me(agent, "nowhere.localhost").status_code == 404
    # A member of both tenants signed in on A is still not signed in on B.
    both = make_user("both@sess.test")
    on_a = session_client(make_member(worlds.a.tenant, user=both))
    make_member(worlds.b.tenant, user=both)
    assert _me(on_a).status_code == 200
    assert _me(on_a, host_for(worlds.b.tenant)).status_code == 404


@pytest.mark.usefixtures("committed")
def test_a_deactivated_member_or_user_and_a_changed_password_end_the_session():
    world = make_world("sess-c")
    agent, admin, customer = (session_client(world.members[r]) for r in ("agent", "admin", "customer"))
    assert _me(agent).status_code == 200 and _me(admin).status_code == 200

    with tenant_context(world.tenant.id):
        Membership.objects.filter(pk=world.agent.pk).update(deactivated_at="2026-01-01T00:00:00Z")
    assert _me(agent).status_code == 404, "no active membership: as if nothing were here"

    User.objects.filter(pk=world.members["admin"].user_id).update(is_active=False)
    assert _me(admin).status_code == 401, "an inactive user is nobody"

    user = User.objects.get(pk=world.customer.user_id)
    user.set_password("a brand new secret phrase")
    user.save()
    assert _me(customer).status_code == 401, "Django's session hash check still runs on the prefetched user"
