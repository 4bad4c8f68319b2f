"""Automations API: validation (422), roles, personal vs shared macros, two-tenant isolation."""

import json

import pytest

from automations.tests.helpers import create, macro, time_rule, trigger
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db
ACTION = [{"type": "add_tags", "tags": ["x"]}]


def send(client, method, path, data):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


def test_admin_creates_and_lists_triggers(two_tenants):
    admin = session_client(two_tenants.a.admin)
    body = {"name": "t", "events": ["ticket.created"], "conditions": {"all": [{"field": "priority", "value": "high"}]},
            "actions": ACTION}  # fmt: skip
    created = send(admin, "post", "/api/v1/triggers", body)
    assert created.status_code == 201, created.content
    assert created.json()["conditions"]["all"][0] == {
        "field": "priority",
        "op": "is",
        "value": "high",
        "key": None,
    }
    assert [t["name"] for t in session_client(two_tenants.a.agent).get("/api/v1/triggers").json()] == ["t"]
    assert session_client(two_tenants.b.admin).get("/api/v1/triggers").json() == []
    assert send(session_client(two_tenants.a.agent), "post", "/api/v1/triggers", body).status_code == 403


@pytest.mark.parametrize(
    "patch",
    [
        {"events": ["ticket.exploded"]},
        {"events": []},
        {"conditions": {"all": [{"field": "__class__", "value": 1}]}},
        {"conditions": {"all": [{"field": "priority", "op": "matches_regex", "value": ".*"}]}},
        {"conditions": {"all": [{"field": "priority", "op": "contains", "value": "h"}]}},
        {"conditions": {"all": [{"field": "tags", "op": "in", "value": "vip"}]}},
        {"conditions": {"none": []}},
        {"actions": []},
        {"actions": [{"type": "exec", "code": "import os"}]},
        {"actions": [{"type": "set_field", "field": "requester_id", "value": 1}]},
        {"actions": [{"type": "add_note", "text": "{{ticket.secret}}"}]},
        {"actions": [{"type": "webhook", "url": "ftp://example.test"}]},
    ],
)
def test_invalid_triggers_answer_422(two_tenants, patch):
    body = {"name": "t", "events": ["ticket.created"], "actions": ACTION, **patch}
    response = send(session_client(two_tenants.a.admin), "post", "/api/v1/triggers", body)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    "timing",
    [{"since": "created", "hours": 0, "status": ["open"]}, {"since": "birthday", "hours": 1, "status": ["open"]},
     {"since": "created", "hours": 1, "status": []}, {"since": "created", "hours": 1, "status": ["closed"]}],
)  # fmt: skip
def test_invalid_time_rules_answer_422(two_tenants, timing):
    body = {"name": "r", "timing": timing, "actions": ACTION}
    assert send(session_client(two_tenants.a.admin), "post", "/api/v1/time-rules", body).status_code == 422


def test_personal_macros_are_private_and_shared_ones_admin_only(two_tenants):
    acme = two_tenants.a
    agent = session_client(acme.agent)
    mine = send(
        agent, "post", "/api/v1/macros", {"name": "mine", "reply_text": "Hi {{ticket.requester.name}}"}
    )
    assert mine.status_code == 201
    assert mine.json()["shared"] is False
    assert (
        send(agent, "post", "/api/v1/macros", {"name": "s", "shared": True, "reply_text": "x"}).status_code
        == 403
    )
    admin = session_client(acme.admin)
    shared = send(admin, "post", "/api/v1/macros", {"name": "shared", "shared": True, "actions": ACTION})
    assert shared.status_code == 201
    assert {m["name"] for m in agent.get("/api/v1/macros").json()} == {"mine", "shared"}
    assert {m["name"] for m in admin.get("/api/v1/macros").json()} == {"shared"}
    # another agent's personal macro is not found, even for an admin of the tenant
    assert admin.get(f"/api/v1/macros/{mine.json()['id']}").status_code == 404
    assert (
        send(agent, "patch", f"/api/v1/macros/{shared.json()['id']}", {"reply_text": "y"}).status_code == 403
    )
    bad = send(agent, "post", "/api/v1/macros", {"name": "bad", "reply_text": "{{ticket.password}}"})
    assert bad.status_code == 422
    assert send(agent, "post", "/api/v1/macros", {"name": "empty"}).status_code == 422


def test_macro_preview_and_apply_endpoints(two_tenants):
    acme = two_tenants.a
    m = macro(acme, name="m", actions=[{"type": "set_field", "field": "priority", "value": "high"}],
              reply_text="Thanks {{ticket.requester.name}}")  # fmt: skip
    ticket = create(acme)
    agent = session_client(acme.agent)
    preview = agent.get(f"/api/v1/tickets/{ticket.id}/macros/{m.id}/preview").json()
    assert preview["reply_text"] == "Thanks customer@acme.test"
    applied = send(agent, "post", f"/api/v1/tickets/{ticket.id}/macros/{m.id}/apply", {})
    assert applied.status_code == 200
    detail = agent.get(f"/api/v1/tickets/{ticket.id}").json()
    assert detail["priority"] == "high"
    assert detail["messages"][-1]["body_text"] == "Thanks customer@acme.test"
    assert (
        session_client(acme.customer).get(f"/api/v1/tickets/{ticket.id}/macros/{m.id}/preview").status_code
        == 403
    )


def test_every_id_endpoint_is_tenant_isolated(two_tenants):
    acme = two_tenants.a
    t = trigger(acme, name="t", actions=ACTION)
    r = time_rule(acme, name="r", timing={"since": "created", "hours": 1, "status": ["open"]}, actions=ACTION)
    m = macro(acme, name="m", reply_text="hi")
    ticket = create(acme)
    check = assert_other_tenant_gets_404
    check(two_tenants, "get", f"/api/v1/triggers/{t.id}")
    check(two_tenants, "patch", f"/api/v1/triggers/{t.id}", data={"enabled": False})
    check(two_tenants, "get", f"/api/v1/time-rules/{r.id}")
    check(two_tenants, "patch", f"/api/v1/time-rules/{r.id}", data={"enabled": False})
    check(two_tenants, "get", f"/api/v1/macros/{m.id}")
    check(two_tenants, "patch", f"/api/v1/macros/{m.id}", data={"reply_text": "hello"})
    check(two_tenants, "get", f"/api/v1/tickets/{ticket.id}/macros/{m.id}/preview")
    check(two_tenants, "get", f"/api/v1/tickets/{ticket.id}/rule-runs")
    check(two_tenants, "post", f"/api/v1/tickets/{ticket.id}/macros/{m.id}/apply", data={})
    check(two_tenants, "delete", f"/api/v1/macros/{m.id}")
    check(two_tenants, "delete", f"/api/v1/time-rules/{r.id}")
    check(two_tenants, "delete", f"/api/v1/triggers/{t.id}")
