"""Role-scoped routes (`staff_only`, `admin_only` on the route or its router): a caller without
the role gets 403 with the role message before the input is validated; no sign-in is still 401."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from testing.factories import host_for, session_client, token_client

pytestmark = pytest.mark.django_db

ADMIN_MESSAGE = "This needs one of the roles: admin, owner."
STAFF_MESSAGE = "This needs one of the roles: admin, agent, owner."
NOT_A_POLICY = json.dumps({"targets": "not an object"})  # no name either: 422 for an admin


def test_an_agent_sending_a_bad_body_to_an_admin_route_gets_403_not_422(two_tenants):
    agent = session_client(two_tenants.a.agent)
    response = agent.post("/api/v1/sla-policies", NOT_A_POLICY, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == ADMIN_MESSAGE
    admin = session_client(two_tenants.a.admin)
    assert (
        admin.post("/api/v1/sla-policies", NOT_A_POLICY, content_type="application/json").status_code == 422
    )


def test_a_customer_with_a_bad_query_on_a_staff_route_gets_403_not_422(two_tenants):
    client, _ = token_client(two_tenants.a.customer)
    response = client.get("/api/v1/csat/report", {"group_by": "nonsense"})
    assert response.status_code == 403
    assert response.json()["detail"] == STAFF_MESSAGE
    staff, _ = token_client(two_tenants.a.agent)
    assert staff.get("/api/v1/csat/report", {"group_by": "nonsense"}).status_code == 422


def test_a_router_wide_role_applies_to_every_route_and_admin_routes_override_it(two_tenants):
    customer = session_client(two_tenants.a.customer)
    assert customer.get("/api/v1/saved-views").status_code == 403
    assert customer.get("/api/v1/triggers").status_code == 403
    agent = session_client(two_tenants.a.agent)
    assert agent.get("/api/v1/triggers").status_code == 200
    assert agent.delete("/api/v1/triggers/1").json()["detail"] == ADMIN_MESSAGE


def test_no_sign_in_on_a_role_scoped_route_is_still_401(two_tenants):
    anonymous = Client(HTTP_HOST=host_for(two_tenants.a.tenant))
    assert anonymous.get("/api/v1/sla-policies").status_code == 401
    assert (
        anonymous.post("/api/v1/sla-policies", NOT_A_POLICY, content_type="application/json").status_code
        == 401
    )
