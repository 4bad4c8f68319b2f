"""Assignment API: configuration by admins, availability by agents, two-tenant isolation."""

import json

import pytest

from assignment.tests.helpers import make_team
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db


def send(client, method, path, data):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


def test_admin_configures_a_team_strategy(two_tenants):
    acme = two_tenants.a
    team, _ = make_team(acme, 1, strategy="manual")
    admin = session_client(acme.admin)
    keys = {s["key"] for s in admin.get("/api/v1/assignment/strategies").json()}
    assert keys == {"manual", "round_robin", "least_loaded", "skills"}
    configs = admin.get("/api/v1/assignment/configs").json()
    assert [(c["team_id"], c["strategy"]) for c in configs] == [(team.id, "manual")]
    updated = send(
        admin, "patch", f"/api/v1/assignment/configs/{configs[0]['id']}", {"strategy": "least_loaded"}
    )
    assert updated.status_code == 200
    assert updated.json()["strategy"] == "least_loaded"
    default = send(admin, "post", "/api/v1/assignment/configs", {"strategy": "round_robin"})
    assert default.status_code == 201
    assert default.json()["team_id"] is None
    again = send(admin, "post", "/api/v1/assignment/configs", {"strategy": "skills"})
    assert again.status_code == 422
    assert session_client(two_tenants.b.admin).get("/api/v1/assignment/configs").json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"strategy": "coin_flip"},
        {"strategy": "round_robin", "options": {"shell": "rm -rf"}},
        {"strategy": "round_robin", "team_id": 999999},
    ],
)
def test_invalid_configs_answer_422(two_tenants, body):
    response = send(session_client(two_tenants.a.admin), "post", "/api/v1/assignment/configs", body)
    assert response.status_code == 422, response.content


def test_team_of_another_tenant_is_refused(two_tenants):
    team, _ = make_team(two_tenants.b, 1)
    body = {"strategy": "round_robin", "team_id": team.id}
    assert (
        send(session_client(two_tenants.a.admin), "post", "/api/v1/assignment/configs", body).status_code
        == 422
    )


def test_agents_set_their_own_availability_only(two_tenants):
    acme = two_tenants.a
    agent = session_client(acme.agent)
    mine = send(agent, "put", f"/api/v1/agents/{acme.agent.id}/profile", {"availability": "away"})
    assert mine.status_code == 200
    assert mine.json()["availability"] == "away"
    assert (
        send(agent, "put", f"/api/v1/agents/{acme.admin.id}/profile", {"availability": "away"}).status_code
        == 403
    )
    assert send(agent, "put", f"/api/v1/agents/{acme.agent.id}/profile", {"capacity": 99}).status_code == 403
    assert (
        send(agent, "put", f"/api/v1/agents/{acme.agent.id}/profile", {"availability": "asleep"}).status_code
        == 422
    )
    admin = session_client(acme.admin)
    body = {"capacity": 5, "skills": ["Billing", "api"]}
    set_by_admin = send(admin, "put", f"/api/v1/agents/{acme.agent.id}/profile", body)
    assert set_by_admin.json() == {
        "membership_id": acme.agent.id,
        "availability": "away",
        "capacity": 5,
        "skills": ["api", "billing"],
    }
    customer = send(admin, "put", f"/api/v1/agents/{acme.customer.id}/profile", {"availability": "online"})
    assert customer.status_code == 422
    assert (
        send(
            session_client(acme.customer), "put", f"/api/v1/agents/{acme.customer.id}/profile", {}
        ).status_code
        == 403
    )


def test_every_id_endpoint_is_tenant_isolated(two_tenants):
    acme = two_tenants.a
    team, _ = make_team(acme, 1)
    admin = session_client(acme.admin)
    config_id = admin.get("/api/v1/assignment/configs").json()[0]["id"]
    check = assert_other_tenant_gets_404
    check(two_tenants, "get", f"/api/v1/assignment/configs/{config_id}")
    check(two_tenants, "patch", f"/api/v1/assignment/configs/{config_id}", data={"enabled": False})
    check(two_tenants, "put", f"/api/v1/agents/{acme.agent.id}/profile", data={"availability": "online"})
    check(two_tenants, "delete", f"/api/v1/assignment/configs/{config_id}")
