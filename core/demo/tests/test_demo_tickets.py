"""The demo seed gives `make run` a few tickets per tenant, once."""

import pytest

from demo.seed import seed_demo
from tenancy.context import tenant_context
from tenancy.selectors import membership_list, tenant_by_slug
from testing.factories import session_client
from tickets.tests.helpers import call


@pytest.mark.django_db
def test_seed_creates_demo_tickets_once():
    seed_demo()
    seed_demo()
    tenant = tenant_by_slug(slug="acme")
    with tenant_context(tenant.id):
        agent = next(m for m in membership_list(tenant=tenant) if m.role == "agent")
    items = call(session_client(agent), "get", "/api/v1/tickets?tag=demo").json()["items"]
    assert len(items) == 4
