"""CSAT: asked on solve, rated by link or portal, aggregated per agent, team and period."""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from contracts.events import EventEnvelope
from csat.emails import csat_email_send
from csat.selectors import survey_for_ticket
from csat.services import csat_settings_set, survey_token
from events.relay import relay_all
from sla.tests.helpers import events_of
from tenancy.context import tenant_context
from tenancy.services import team_create
from testing.factories import host_for, make_member, session_client
from testing.isolation import assert_other_tenant_gets_404
from testing.outbound_mail import send_queued_mail
from tickets.services.tickets import ticket_create, ticket_update

pytestmark = pytest.mark.django_db


def solved_ticket(world, agent=None, team=None, subject="Help"):
    agent = agent or world.agent
    with tenant_context(world.tenant.id):
        ticket = ticket_create(
            tenant=world.tenant, actor=world.customer, subject=subject, body_text="please"
        ).ticket
        ticket_update(
            tenant=world.tenant,
            ticket=ticket,
            actor=agent,
            changes={"status": "solved", "assignee_id": agent.id, "team_id": team.id if team else None},
        )
    relay_all()
    with tenant_context(world.tenant.id):
        return ticket, survey_for_ticket(tenant=world.tenant, ticket=ticket)


def post(client, path, data, **kw):
    return client.post(path, json.dumps(data), content_type="application/json", **kw)


def test_solving_asks_and_the_email_link_rates_without_login(two_tenants, mailoutbox):
    acme = two_tenants.a
    ticket, survey = solved_ticket(acme)
    assert survey is not None and survey.agent_id == acme.agent.id and survey.rating is None
    assert csat_email_send(tenant_id=acme.tenant.id, survey_id=survey.id) is True
    send_queued_mail(acme.tenant.id)
    token = survey_token(survey)
    assert f"/api/v1/csat/surveys/{token}?rating=good" in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["customer@acme.test"]
    anonymous = Client(HTTP_HOST=host_for(acme.tenant))
    shown = anonymous.get(f"/api/v1/csat/surveys/{token}")
    assert shown.status_code == 200
    assert shown.json()["rating"] is None  # opening the link does not rate
    rated = post(anonymous, f"/api/v1/csat/surveys/{token}", {"rating": "good", "comment": "Quick, thanks"})
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"] == 5
    received = [EventEnvelope.model_validate(e) for e in events_of(acme.tenant, "csat.received")]
    assert [(e.subject_id, e.data["rating"], e.data["comment"]) for e in received] == [
        (ticket.id, 5, "Quick, thanks")
    ]
    # a forged or foreign token is a 404
    assert anonymous.get(f"/api/v1/csat/surveys/{survey.id}.{'0' * 40}").status_code == 404
    assert (
        Client(HTTP_HOST=host_for(two_tenants.b.tenant)).get(f"/api/v1/csat/surveys/{token}").status_code
        == 404
    )
    assert post(anonymous, f"/api/v1/csat/surveys/{token}", {"rating": 4}).status_code == 422


def test_portal_rating_by_the_requester_only_on_a_five_point_scale(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        csat_settings_set(tenant=acme.tenant, scale="five")
    ticket, _ = solved_ticket(acme)
    customer = session_client(acme.customer)
    assert customer.get(f"/api/v1/tickets/{ticket.id}/csat").json()["scale"] == "five"
    assert post(customer, f"/api/v1/tickets/{ticket.id}/csat", {"rating": 6}).status_code == 422
    assert post(customer, f"/api/v1/tickets/{ticket.id}/csat", {"rating": 4}).json()["rating"] == 4
    assert (
        post(session_client(acme.agent), f"/api/v1/tickets/{ticket.id}/csat", {"rating": 5}).status_code
        == 422
    )
    stranger = make_member(acme.tenant, "customer")
    assert session_client(stranger).get(f"/api/v1/tickets/{ticket.id}/csat").status_code == 404


def test_a_ticket_without_a_rating_request_answers_no_content_not_an_error(two_tenants):
    """The portal asks for the rating of every ticket it shows: an unsolved one answers 204
    (no error for the browser to log), rating it is still refused, and B's ticket is still 404."""
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        ticket = ticket_create(
            tenant=acme.tenant, actor=acme.customer, subject="Still open", body_text="please"
        ).ticket
    for client in (session_client(acme.customer), session_client(acme.agent)):
        answer = client.get(f"/api/v1/tickets/{ticket.id}/csat")
        assert (answer.status_code, answer.content) == (204, b"")
    assert (
        post(
            session_client(acme.customer), f"/api/v1/tickets/{ticket.id}/csat", {"rating": "good"}
        ).status_code
        == 404
    )
    assert session_client(two_tenants.b.customer).get(f"/api/v1/tickets/{ticket.id}/csat").status_code == 404


def test_disabled_surveys_are_not_sent(two_tenants):
    acme = two_tenants.a
    admin = session_client(acme.admin)
    response = admin.put(
        "/api/v1/csat/settings", json.dumps({"enabled": False}), content_type="application/json"
    )
    assert response.status_code == 200
    assert solved_ticket(acme)[1] is None
    agent_put = session_client(acme.agent).put("/api/v1/csat/settings", "{}", content_type="application/json")
    assert agent_put.status_code == 403


def test_report_per_agent_team_and_period(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        csat_settings_set(tenant=acme.tenant, scale="five")
        team = team_create(tenant=acme.tenant, name="Tier 1")
    other_agent = make_member(acme.tenant, "agent")
    ratings = [
        (dt.datetime(2026, 5, 3, tzinfo=dt.UTC), acme.agent, 5),
        (dt.datetime(2026, 5, 20, tzinfo=dt.UTC), acme.agent, 2),
        (dt.datetime(2026, 6, 2, tzinfo=dt.UTC), other_agent, 4),
    ]
    customer = session_client(acme.customer)
    for when, agent, rating in ratings:
        with time_machine.travel(when, tick=False):
            ticket, _ = solved_ticket(acme, agent=agent, team=team)
            assert post(customer, f"/api/v1/tickets/{ticket.id}/csat", {"rating": rating}).status_code == 200
    solved_ticket(acme)  # asked, never answered: not counted
    staff = session_client(acme.admin)
    by_agent = {r["key"]: r for r in staff.get("/api/v1/csat/report?group_by=agent").json()}
    assert by_agent[acme.agent.id] == {
        "key": acme.agent.id, "responses": 2, "good": 1, "bad": 1, "average": 3.5, "satisfaction": 0.5
    }  # fmt: skip
    assert by_agent[other_agent.id]["satisfaction"] == 1.0
    by_team = staff.get("/api/v1/csat/report?group_by=team").json()
    assert [(r["key"], r["responses"]) for r in by_team] == [(team.id, 3)]
    by_month = staff.get("/api/v1/csat/report?group_by=period&period=month").json()
    assert [(r["key"][:7], r["responses"]) for r in by_month] == [("2026-05", 2), ("2026-06", 1)]
    june = staff.get("/api/v1/csat/report?group_by=agent&since=2026-06-01T00:00:00Z").json()
    assert [r["key"] for r in june] == [other_agent.id]
    assert session_client(two_tenants.b.admin).get("/api/v1/csat/report").json() == []
    assert customer.get("/api/v1/csat/report").status_code == 403
    assert staff.get("/api/v1/csat/report?group_by=planet").status_code == 422


def test_every_id_endpoint_is_tenant_isolated(two_tenants):
    acme = two_tenants.a
    ticket, survey = solved_ticket(acme)
    check = assert_other_tenant_gets_404
    check(two_tenants, "get", f"/api/v1/tickets/{ticket.id}/csat")
    check(two_tenants, "get", f"/api/v1/csat/surveys/{survey_token(survey)}")
    check(two_tenants, "post", f"/api/v1/csat/surveys/{survey_token(survey)}", data={"rating": "bad"})
    check(two_tenants, "post", f"/api/v1/tickets/{ticket.id}/csat", data={"rating": "good"}, role="customer")


def test_the_rating_email_speaks_the_requesters_saved_language(two_tenants, mailoutbox):
    acme = two_tenants.a
    user = acme.customer.user
    user.locale = "de"
    user.save(update_fields=["locale"])
    _, survey = solved_ticket(acme, subject="Drucker")
    assert csat_email_send(tenant_id=acme.tenant.id, survey_id=survey.id) is True
    send_queued_mail(acme.tenant.id)
    mail = mailoutbox[-1]
    assert "Wie zufrieden waren Sie?" in mail.subject
    assert "Wie zufrieden waren Sie mit" in mail.body and "Kommentar" in mail.body
    assert "How did we do" not in mail.body
