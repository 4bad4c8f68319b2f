"""Tenancy API: tenant info, members, teams; each id endpoint checked with two tenants."""

import json

import pytest

from tenancy.context import tenant_context
from tenancy.services import team_create
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db


def test_tenant_endpoint_is_public_and_per_host(two_tenants, client):
    response = client.get("/api/v1/tenant", HTTP_HOST="acme.localhost")
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert client.get("/api/v1/tenant", HTTP_HOST="nosuch.localhost").status_code == 404
    assert client.get("/api/v1/tenant", HTTP_HOST="localhost").status_code == 404


def test_member_list_shows_only_own_tenant(two_tenants):
    response = session_client(two_tenants.a.agent).get("/api/v1/members")
    assert response.status_code == 200
    emails = {m["email"] for m in response.json()}
    assert emails == {f"{role}@acme.test" for role in ("owner", "admin", "agent", "customer")}


def test_customers_cannot_list_members(two_tenants):
    assert session_client(two_tenants.a.customer).get("/api/v1/members").status_code == 403


def test_member_detail_is_tenant_isolated(two_tenants):
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/members/{two_tenants.a.agent.id}")


def test_team_detail_and_member_add_are_tenant_isolated(two_tenants):
    with tenant_context(two_tenants.a.tenant.id):
        team = team_create(tenant=two_tenants.a.tenant, name="Support")
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/teams/{team.id}")
    assert_other_tenant_gets_404(
        two_tenants, "post", f"/api/v1/teams/{team.id}/members/{two_tenants.a.agent.id}", data={}
    )


def test_team_create_validates_and_refuses_duplicates(two_tenants):
    client = session_client(two_tenants.a.admin)
    ok = client.post("/api/v1/teams", json.dumps({"name": "Billing"}), content_type="application/json")
    assert ok.status_code == 201
    dup = client.post("/api/v1/teams", json.dumps({"name": "Billing"}), content_type="application/json")
    assert dup.status_code == 422
    assert "already exists" in json.dumps(dup.json())
    empty = client.post("/api/v1/teams", json.dumps({"name": ""}), content_type="application/json")
    assert empty.status_code == 422
    # The same name in the other tenant is fine: uniqueness is per tenant.
    other = session_client(two_tenants.b.admin).post(
        "/api/v1/teams", json.dumps({"name": "Billing"}), content_type="application/json"
    )
    assert other.status_code == 201


def test_customer_cannot_join_a_team(two_tenants):
    client = session_client(two_tenants.a.admin)
    team_id = client.post("/api/v1/teams", json.dumps({"name": "T"}), content_type="application/json").json()[
        "id"
    ]
    response = client.post(f"/api/v1/teams/{team_id}/members/{two_tenants.a.customer.id}")
    assert response.status_code == 422


def test_unknown_host_and_malformed_json_get_clear_4xx(two_tenants):
    client = session_client(two_tenants.a.admin)
    response = client.post("/api/v1/teams", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
