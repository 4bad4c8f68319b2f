"""The hot read paths as production runs them: no test transaction around the request, so
BEGIN, the tenant setting and the token lookup go out pipelined in one round trip, and the
list, detail and search read through hand-written SQL under row-level security."""

import pytest
from django.db import connection

from accounts.selectors import api_token_list
from accounts.services.users import api_token_revoke
from tenancy.context import current_tenant_id, tenant_context
from testing.factories import make_world, token_client
from testing.isolation import TwoTenants
from tickets.tests.helpers import add_message, call, make_ticket


@pytest.mark.usefixtures("committed")
def test_token_requests_outside_a_transaction_keep_tenants_and_internal_notes_apart():
    worlds = TwoTenants(a=make_world("hot-a"), b=make_world("hot-b"))
    mine = make_ticket(worlds.a.customer, subject="Zebra printer jammed")
    add_message(mine, worlds.a.agent, "Zebra note for agents only", internal=True)
    theirs = make_ticket(worlds.b.customer, subject="Zebra printer elsewhere")
    agent, _ = token_client(worlds.a.agent)
    customer, _ = token_client(worlds.a.customer)
    assert not connection.in_atomic_block  # the middleware opens the request's transaction itself

    listed = call(agent, "get", "/api/v1/tickets").json()["items"]
    assert [t["id"] for t in listed] == [mine.id]
    assert listed[0]["requester"]["id"] == worlds.a.customer.id
    assert call(agent, "get", f"/api/v1/tickets/{theirs.id}").status_code == 404
    staff_view = call(agent, "get", f"/api/v1/tickets/{mine.id}").json()
    assert [m["is_internal"] for m in staff_view["messages"]] == [False, True]
    customer_view = call(customer, "get", f"/api/v1/tickets/{mine.id}").json()
    assert [m["is_internal"] for m in customer_view["messages"]] == [False]
    assert [h["ticket"]["id"] for h in call(agent, "get", "/api/v1/search?q=zebra").json()["items"]] == [
        mine.id
    ]
    assert current_tenant_id() is None  # the setting ended with each request's transaction

    with tenant_context(worlds.a.tenant.id):
        token = api_token_list(tenant=worlds.a.tenant, membership=worlds.a.agent).get()
    api_token_revoke(tenant=worlds.a.tenant, token=token, actor_id=worlds.a.agent.user_id)
    assert call(agent, "get", "/api/v1/tickets").status_code == 401


@pytest.mark.usefixtures("committed")
def test_prepared_statements_on_their_generic_plan_still_keep_tenants_apart():
    """The inbox views, a customer's queue, the detail and the token lookup are prepared once
    per connection (`db.rows.hot_cursor`), and after five runs PostgreSQL executes them on
    a generic plan. Row-level security must hold there too: the tenant is read at execution
    (`current_setting`), never planned in. Two tenants' requests alternate on one connection."""
    worlds = TwoTenants(a=make_world("prep-a"), b=make_world("prep-b"))
    tickets = {
        side: [make_ticket(getattr(worlds, side).customer, subject=f"{side} {i}") for i in range(3)]
        for side in ("a", "b")
    }
    inbox = "/api/v1/tickets?status_category=new&status_category=open&assignee=none"
    for _ in range(8):
        for side in ("a", "b"):
            world, own = getattr(worlds, side), {t.id for t in tickets[side]}
            agent, _ = token_client(world.agent)
            customer, _ = token_client(world.customer)
            for client in (agent, customer):
                for path in ("/api/v1/tickets", inbox):
                    assert {t["id"] for t in call(client, "get", path).json()["items"]} == own
            other = tickets["b" if side == "a" else "a"][0]
            assert call(agent, "get", f"/api/v1/tickets/{other.id}").status_code == 404
            assert call(agent, "get", f"/api/v1/tickets/{tickets[side][0].id}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%FROM tickets_ticket t%"],
        )
        prepared = cursor.fetchall()
    assert prepared, "the list statements were prepared on this connection"
    assert any(generic > 0 for _, generic in prepared), "and ran on a generic plan"
