"""Rare-value filters (tag, custom field, type, channel) through `tickets_attribute_ids()`, and
the organization filter: the same answers as the plain filters, common values on the old
path, and the SECURITY DEFINER function never reads another tenant or without a tenant."""

from __future__ import annotations

import pytest
from django.db import connection

from tenancy.context import tenant_context
from tenancy.services import membership_set_organization, organization_save
from testing.factories import make_member, session_client
from tickets.models import Ticket
from tickets.selectors import attribute_ids
from tickets.selectors.attribute_ids import narrowed_by_attributes
from tickets.selectors.ticket_sql import TicketFilters
from tickets.tests.helpers import call, make_ticket

pytestmark = pytest.mark.django_db

CALL = (
    "SELECT count(*) FROM tickets_attribute_ids(%s::varchar[], %s::jsonb, %s::varchar[], %s::varchar[], 100)"
)


def _ids(client, query):
    response = call(client, "get", f"/api/v1/tickets?{query}")
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


@pytest.fixture
def tagged(two_tenants):
    a = two_tenants.a
    rare = make_ticket(a.customer, subject="Rare one")
    plain = make_ticket(a.customer, subject="Plain one")
    multi = make_ticket(a.customer, subject="Multiselect one")
    with tenant_context(a.tenant.id):
        Ticket.objects.filter(id=rare.id).update(
            custom_fields={"plan": "gold", "seats": 7}, tags=["vip"], type="incident"
        )
        Ticket.objects.filter(id=multi.id).update(custom_fields={"plan": ["silver", "gold"]})
        Ticket.objects.filter(id=plain.id).update(channel="email", tags=["other"])
    return a, rare, plain, multi


def test_rare_values_list_their_tickets(tagged):
    a, rare, plain, multi = tagged
    agent = session_client(a.agent)
    assert _ids(agent, "tag=vip") == [rare.id]
    assert _ids(agent, "tag=vip&tag=other") == []
    assert _ids(agent, "type=incident") == [rare.id]
    assert _ids(agent, "channel=email") == [plain.id]
    assert sorted(_ids(agent, "cf=plan:gold")) == sorted([rare.id, multi.id])  # a multiselect option too
    assert _ids(agent, "cf=seats:7&type=incident") == [rare.id]
    assert _ids(agent, "cf=seats:8") == []
    assert _ids(agent, "type=incident&priority=urgent") == []  # the other filters still apply
    # A customer's list: their own tickets only, the same narrowing.
    assert _ids(session_client(make_member(a.tenant, "customer")), "tag=vip") == []
    assert _ids(session_client(a.customer), "tag=vip") == [rare.id]


def test_rare_values_are_narrowed_to_ids_and_common_ones_are_not(tagged, monkeypatch):
    a, rare, _, multi = tagged
    with tenant_context(a.tenant.id):
        narrowed = narrowed_by_attributes(TicketFilters(tags=["vip"], priority=["normal"]))
        assert narrowed.candidate_ids == [rare.id] and narrowed.tags == [] and narrowed.priority == ["normal"]
        monkeypatch.setattr(attribute_ids, "ATTRIBUTE_CANDIDATES", 1)
        common = narrowed_by_attributes(TicketFilters(custom_fields={"plan": "gold"}))
        assert common.candidate_ids is None and common.custom_fields == {"plan": "gold"}
    # The common value still lists its tickets, through the plain filter.
    assert sorted(_ids(session_client(a.agent), "cf=plan:gold")) == sorted([rare.id, multi.id])


def test_the_function_reads_only_the_transactions_tenant(tagged, two_tenants):
    b = two_tenants.b
    theirs = make_ticket(b.customer, subject="B's vip")
    with tenant_context(b.tenant.id):
        Ticket.objects.filter(id=theirs.id).update(tags=["vip"])
    args = [["vip"], None, [], []]
    with connection.cursor() as cursor:  # no tenant set: nothing, not every tenant's rows
        cursor.execute("SELECT set_config('app.tenant_id', '', true)")
        cursor.execute(CALL, args)
        assert cursor.fetchone()[0] == 0
    with tenant_context(two_tenants.a.tenant.id), connection.cursor() as cursor:
        cursor.execute(CALL, args)
        assert cursor.fetchone()[0] == 1  # A's rare ticket only, never B's
        cursor.execute(CALL, [[], None, [], []])
        assert cursor.fetchone()[0] == 0  # no attribute filter: never the whole tenant
    with tenant_context(b.tenant.id), connection.cursor() as cursor:
        cursor.execute(CALL, [[], '{"plan": "gold"}', ["incident"], []])
        assert cursor.fetchone()[0] == 0  # A's values, asked from B
    assert _ids(session_client(b.agent), "tag=vip&type=incident") == []


def test_organization_filter(two_tenants):
    a = two_tenants.a
    with tenant_context(a.tenant.id):
        initech = organization_save(tenant=a.tenant, name="Initech")
        member = make_member(a.tenant, "customer")
        membership_set_organization(tenant=a.tenant, membership=member, organization=initech)
    theirs = make_ticket(member, subject="From Initech")
    make_ticket(a.customer, subject="From nobody's organization")
    assert _ids(session_client(a.agent), f"organization={initech.id}") == [theirs.id]
    assert _ids(session_client(two_tenants.b.agent), f"organization={initech.id}") == []
    assert call(session_client(a.agent), "get", "/api/v1/tickets?organization=x").status_code == 422
