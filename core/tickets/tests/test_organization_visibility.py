"""Customers see their organization's tickets only when the tenant allows it: list, detail,
search (the SECURITY DEFINER function too), never internal notes; outsiders and other
organizations see nothing; another tenant nothing at all."""

from __future__ import annotations

import pytest

from tenancy.context import tenant_context
from tenancy.services import membership_set_organization, organization_save
from testing.factories import make_member, session_client, token_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.services.fields import ticket_visibility_set
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_world(two_tenants):
    world = two_tenants.a
    tenant = world.tenant
    with tenant_context(tenant.id):
        initech = organization_save(tenant=tenant, name="Initech")
        other_org = organization_save(tenant=tenant, name="Globex Corp")
        colleague = make_member(tenant, "customer")
        outsider = make_member(tenant, "customer")  # no organization
        stranger = make_member(tenant, "customer")  # another organization
        for member, organization in ((world.customer, initech), (colleague, initech), (stranger, other_org)):
            membership_set_organization(tenant=tenant, membership=member, organization=organization)
    ticket = make_ticket(colleague, subject="Zeppelin printer broken", body="The zeppelin printer is broken")
    add_message(ticket, world.agent, "zeppelin internal remark", internal=True)
    with tenant_context(tenant.id):
        world.customer.refresh_from_db()
    return world, ticket, outsider, stranger


def _sees(member, ticket) -> tuple[bool, bool, bool]:
    client = session_client(member)
    listed = ticket.id in {t["id"] for t in call(client, "get", "/api/v1/tickets").json()["items"]}
    detail = call(client, "get", f"/api/v1/tickets/{ticket.id}").status_code == 200
    found = ticket.id in {
        h["ticket"]["id"] for h in call(client, "get", "/api/v1/search?q=zeppelin").json()["items"]
    }
    return listed, detail, found


def test_off_by_default_then_shared_with_the_organization_only(org_world):
    world, ticket, outsider, stranger = org_world
    assert _sees(world.customer, ticket) == (False, False, False)
    ticket_visibility_set(tenant=world.tenant, customers_see_organization_tickets=True)
    assert _sees(world.customer, ticket) == (True, True, True)
    assert _sees(outsider, ticket) == (False, False, False)
    assert _sees(stranger, ticket) == (False, False, False)
    detail = call(session_client(world.customer), "get", f"/api/v1/tickets/{ticket.id}").json()
    assert "assignee" not in detail and "internal remark" not in str(detail["messages"])
    assert [m["is_internal"] for m in detail["messages"]] == [False]
    ticket_visibility_set(tenant=world.tenant, customers_see_organization_tickets=False)
    assert _sees(world.customer, ticket) == (False, False, False)


def test_internal_notes_are_not_search_hits_for_the_organization(org_world):
    world, ticket, _, _ = org_world
    ticket_visibility_set(tenant=world.tenant, customers_see_organization_tickets=True)
    client = session_client(world.customer)
    hits = call(client, "get", "/api/v1/search?q=remark").json()["items"]
    assert ticket.id not in {h["ticket"]["id"] for h in hits}


def test_other_tenant_never_sees_the_organization_tickets(org_world, two_tenants):
    world, ticket, _, _ = org_world
    ticket_visibility_set(tenant=world.tenant, customers_see_organization_tickets=True)
    with tenant_context(two_tenants.b.tenant.id):
        b_org = organization_save(tenant=two_tenants.b.tenant, name="Initech")
        membership_set_organization(
            tenant=two_tenants.b.tenant, membership=two_tenants.b.customer, organization=b_org
        )
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/tickets/{ticket.id}")
    client = session_client(two_tenants.b.customer)
    assert call(client, "get", "/api/v1/search?q=zeppelin").json()["items"] == []
    assert ticket.id not in {t["id"] for t in call(client, "get", "/api/v1/tickets").json()["items"]}


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("owner", 200, 200), ("admin", 200, 200), ("agent", 200, 403), ("customer", 403, 403)],
)
def test_visibility_setting_permissions(two_tenants, role, read, write):
    client = token_client(two_tenants.a.members[role])[0]
    assert call(client, "get", "/api/v1/ticket-settings/visibility").status_code == read
    response = call(
        client, "put", "/api/v1/ticket-settings/visibility", {"customers_see_organization_tickets": True}
    )
    assert response.status_code == write
    if write == 200:
        assert response.json() == {"customers_see_organization_tickets": True}
        # Tenant B is untouched.
        b_admin = session_client(two_tenants.b.admin)
        assert call(b_admin, "get", "/api/v1/ticket-settings/visibility").json() == {
            "customers_see_organization_tickets": False
        }
