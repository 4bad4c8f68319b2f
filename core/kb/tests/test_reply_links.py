"""Agents link knowledge base articles in ticket replies: validated, stored, rendered as links."""

import json

import pytest
from django.db import transaction

from contracts.events import EventEnvelope
from email_channel.models import OutboundEmail
from events.models import OutboxEvent
from kb.tests.conftest import make_article
from notifications import services as notifications
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.tests.helpers import make_ticket

pytestmark = pytest.mark.django_db


def reply(member, ticket, **payload):
    return session_client(member).post(
        f"/api/v1/tickets/{ticket.id}/messages", json.dumps(payload), content_type="application/json"
    )


@pytest.fixture
def setup(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer, subject="Cannot sign in", body="The login page rejects me.")
    articles = {
        "public": make_article(a.agent, "Reset your password", "Use the reset link."),
        "customers": make_article(a.agent, "Two-factor setup", "Scan the code.", visibility="customers"),
        "agents": make_article(a.agent, "Unlock accounts in the admin", "Internal.", visibility="agents"),
        "draft": make_article(a.agent, "Unfinished", "Draft.", status="draft"),
    }
    return two_tenants, ticket, articles


def test_agent_reply_links_articles_the_customer_sees_in_portal_and_email(setup):
    worlds, ticket, articles = setup
    a = worlds.a
    ids = [articles["public"].id, articles["customers"].id]

    # When an agent replies with two articles linked
    response = reply(a.agent, ticket, body_text="These should help.", article_ids=ids)

    # Then the links are stored on the message and appended to its sanitized body
    assert response.status_code == 201, response.content
    message = response.json()
    assert [link["article_id"] for link in message["articles"]] == ids
    url = message["articles"][0]["url"]
    assert url.endswith(f"/help/articles/{articles['public'].slug}") and url.startswith("http")
    assert f'<a href="{url}"' in message["body_html"] and "Reset your password</a>" in message["body_html"]
    assert f"Reset your password: {url}" in message["body_text"]

    # And the customer reads them in the portal's conversation
    seen = session_client(a.customer).get(f"/api/v1/tickets/{ticket.id}/messages").json()
    assert seen[-1]["articles"] == message["articles"] and url in seen[-1]["body_html"]

    # And in the notification email about the reply
    with tenant_context(a.tenant.id):
        row = OutboxEvent.objects.filter(tenant=a.tenant, type="message.added").order_by("-id").first()
        event = EventEnvelope.model_validate(row.envelope)
        notifications.notify_for_event(tenant=a.tenant, event=event)
        transaction.get_connection().run_on_commit.clear()
        email = OutboundEmail.objects.get(to_address=a.customer.user.email)
    assert url in email.body_text and url in email.body_html


def test_links_survive_a_long_body_in_the_email_text(setup):
    worlds, ticket, articles = setup
    response = reply(worlds.a.agent, ticket, body_text="x " * 3000, article_ids=[articles["public"].id])
    assert response.status_code == 201
    with tenant_context(worlds.a.tenant.id):
        row = OutboxEvent.objects.filter(tenant=worlds.a.tenant, type="message.added").order_by("-id").first()
    event_text = row.envelope["data"]["body_text"]
    assert len(event_text) <= 2000 and event_text.endswith(response.json()["articles"][0]["url"])


def test_agents_only_and_draft_articles_are_refused_in_a_reply_to_the_customer(setup):
    worlds, ticket, articles = setup
    for name in ("agents", "draft"):
        response = reply(worlds.a.agent, ticket, body_text="See this.", article_ids=[articles[name].id])
        assert response.status_code == 422, (name, response.content)
        assert response["Content-Type"] == "application/problem+json"
        detail = json.dumps(response.json()["errors"])
        assert ("agents only" if name == "agents" else "publish it") in detail
    # Nothing was written: the customer sees no new message.
    assert len(session_client(worlds.a.customer).get(f"/api/v1/tickets/{ticket.id}/messages").json()) == 1


def test_an_internal_note_may_link_an_agents_only_article(setup):
    worlds, ticket, articles = setup
    response = reply(
        worlds.a.agent, ticket, body_text="Use this.", internal=True, article_ids=[articles["agents"].id]
    )
    assert response.status_code == 201, response.content
    assert response.json()["articles"][0]["article_id"] == articles["agents"].id
    customer_view = session_client(worlds.a.customer).get(f"/api/v1/tickets/{ticket.id}/messages").json()
    assert all(not m["articles"] for m in customer_view)


def test_customers_cannot_link_articles(setup):
    worlds, ticket, articles = setup
    response = reply(worlds.a.customer, ticket, body_text="Hi", article_ids=[articles["public"].id])
    assert response.status_code == 403


def test_another_tenants_article_is_404(setup):
    worlds, ticket, _ = setup
    b = worlds.b
    foreign = make_article(b.agent, "Tenant B article", "B only.")
    response = reply(worlds.a.agent, ticket, body_text="Look", article_ids=[foreign.id])
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == f"Article {foreign.id} not found."


def test_reply_endpoint_with_links_is_tenant_isolated(setup):
    worlds, ticket, articles = setup
    assert_other_tenant_gets_404(
        worlds,
        "post",
        f"/api/v1/tickets/{ticket.id}/messages",
        {"body_text": "hello", "article_ids": [articles["public"].id]},
    )
