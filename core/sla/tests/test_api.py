"""SLA API: admins configure calendars and policies, staff read a ticket's clocks; two tenants."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.tests.helpers import NINE_TO_FIVE, make_calendar, make_policy, new_ticket
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def test_admin_configures_calendar_and_policy(two_tenants):
    admin = session_client(two_tenants.a.admin)
    cal = post(
        admin,
        "/api/v1/business-calendars",
        {
            "name": "Berlin",
            "timezone": "Europe/Berlin",
            "weekly_hours": NINE_TO_FIVE,
            "holidays": [{"date": "2026-12-25", "name": "Christmas"}],
            "is_default": True,
        },
    )
    assert cal.status_code == 201, cal.content
    body = {
        "name": "Gold",
        "conditions": {"priority": ["urgent", "high"], "tags_any": ["gold"]},
        "targets": {"urgent": {"first_response": 30, "resolution": 480}, "high": {"first_response": 120}},
        "calendar_id": cal.json()["id"],
    }
    policy = post(admin, "/api/v1/sla-policies", body)
    assert policy.status_code == 201, policy.content
    assert policy.json()["pause_statuses"] == ["pending", "on_hold"]
    listed = session_client(two_tenants.a.agent).get("/api/v1/sla-policies").json()
    assert [p["name"] for p in listed] == ["Gold"]
    # the other tenant sees none of it
    assert session_client(two_tenants.b.agent).get("/api/v1/sla-policies").json() == []
    assert session_client(two_tenants.b.agent).get("/api/v1/business-calendars").json() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "weekly_hours"),
        ({"weekly_hours": {"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}}, "weekly_hours"),
        ({"weekly_hours": {"mon": [["17:00", "09:00"]]}}, "weekly_hours"),
        ({"weekly_hours": {"mon": [["9am", "5pm"]]}}, "weekly_hours"),
        ({"weekly_hours": {"funday": [["09:00", "17:00"]]}}, "weekly_hours"),
        ({"weekly_hours": {}}, "weekly_hours"),
        ({"holidays": [{"date": "not a date"}]}, "weekly_hours"),
    ],
)
def test_invalid_calendars_answer_422(two_tenants, payload, field):
    body = {"name": "X", "timezone": "UTC", "weekly_hours": NINE_TO_FIVE, **payload}
    response = post(session_client(two_tenants.a.admin), "/api/v1/business-calendars", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [
        {"targets": {}},
        {"targets": {"urgent": {"first_response": 0}}},
        {"targets": {"urgent": {"first_respons": 10}}},
        {"targets": {"critical": {"first_response": 10}}},
        {"conditions": {"priority": ["sometimes"]}},
        {"conditions": {"import os": True}},
        {"warning_fraction": 1.5},
        {"pause_statuses": ["solved"]},
        {"calendar_id": 999999},
    ],
)
def test_invalid_policies_answer_422(two_tenants, payload):
    body = {"name": "P", "targets": {"urgent": {"first_response": 10}}, **payload}
    response = post(session_client(two_tenants.a.admin), "/api/v1/sla-policies", body)
    assert response.status_code == 422, response.content


def test_policy_cannot_use_another_tenants_calendar(two_tenants):
    other = make_calendar(two_tenants.b.tenant)
    body = {"name": "P", "targets": {"urgent": {"first_response": 10}}, "calendar_id": other.id}
    response = post(session_client(two_tenants.a.admin), "/api/v1/sla-policies", body)
    assert response.status_code == 422


def test_agents_cannot_configure(two_tenants):
    agent = session_client(two_tenants.a.agent)
    response = post(
        agent, "/api/v1/sla-policies", {"name": "P", "targets": {"urgent": {"first_response": 1}}}
    )
    assert response.status_code == 403
    assert session_client(two_tenants.a.customer).get("/api/v1/sla-policies").status_code == 403


def test_calendar_in_use_cannot_be_deleted(two_tenants):
    cal = make_calendar(two_tenants.a.tenant)
    make_policy(two_tenants.a.tenant, calendar_id=cal.id)
    response = session_client(two_tenants.a.admin).delete(f"/api/v1/business-calendars/{cal.id}")
    assert response.status_code == 422


def test_ticket_sla_endpoint_shows_state_and_time_left(two_tenants):
    acme = two_tenants.a
    make_calendar(acme.tenant, is_default=True)
    make_policy(acme.tenant)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=NY), tick=False):
        ticket = new_ticket(acme)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 50, tzinfo=NY), tick=False):
        clocks = session_client(acme.agent).get(f"/api/v1/tickets/{ticket.id}/sla").json()
    by_metric = {c["metric"]: c for c in clocks}
    assert by_metric["first_response"]["state"] == "warning"
    assert by_metric["first_response"]["remaining_minutes"] == 10
    assert by_metric["first_response"]["policy_name"] == "Standard"
    assert by_metric["resolution"]["state"] == "ok"
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 5, tzinfo=NY), tick=False):
        clocks = session_client(acme.agent).get(f"/api/v1/tickets/{ticket.id}/sla").json()
    assert {c["metric"]: c["state"] for c in clocks}["first_response"] == "breached"
    # customers do not see SLA internals
    assert session_client(acme.customer).get(f"/api/v1/tickets/{ticket.id}/sla").status_code == 403


def test_every_id_endpoint_is_tenant_isolated(two_tenants):
    acme = two_tenants.a
    cal = make_calendar(acme.tenant)
    policy = make_policy(acme.tenant)
    ticket = new_ticket(acme)
    check = assert_other_tenant_gets_404
    check(two_tenants, "get", f"/api/v1/business-calendars/{cal.id}")
    check(two_tenants, "patch", f"/api/v1/business-calendars/{cal.id}", data={"name": "Renamed"})
    check(two_tenants, "get", f"/api/v1/sla-policies/{policy.id}")
    check(two_tenants, "patch", f"/api/v1/sla-policies/{policy.id}", data={"position": 3})
    check(two_tenants, "get", f"/api/v1/tickets/{ticket.id}/sla")
    check(two_tenants, "delete", f"/api/v1/sla-policies/{policy.id}")
    check(two_tenants, "delete", f"/api/v1/business-calendars/{cal.id}")


def test_patch_keeps_unsent_fields(two_tenants):
    policy = make_policy(two_tenants.a.tenant)
    response = patch(
        session_client(two_tenants.a.admin), f"/api/v1/sla-policies/{policy.id}", {"enabled": False}
    )
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert response.json()["targets"] == policy.targets
