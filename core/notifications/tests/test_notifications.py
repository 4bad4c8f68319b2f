"""Notifications: who is told what, preferences, templates, and the API (two tenants)."""

import pytest
from django.db import transaction

from contracts.events import Actor, EventEnvelope, Visibility
from contracts.samples import sample_payload
from email_channel.models import OutboundEmail
from notifications import services
from notifications.models import Notification, NotificationTemplate
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404


def _event(world, type_, visibility=Visibility.PUBLIC, actor=None, **data):
    base = {"requester_membership_id": world.customer.id, "assignee_membership_id": world.agent.id}
    payload = sample_payload(type_, **{**base, **data})
    return EventEnvelope(
        tenant_id=world.tenant.id,
        type=type_,
        data=payload,
        visibility=visibility,
        actor=actor or Actor(kind="system"),
    )


def _notify(world, event):
    with tenant_context(world.tenant.id):
        created = services.notify_for_event(tenant=world.tenant, event=event)
        transaction.get_connection().run_on_commit.clear()
    return {n.recipient_id for n in created}


def test_who_is_told_what(two_tenants):
    w = two_tenants.a
    assert _notify(w, _event(w, "ticket.assigned", Visibility.INTERNAL)) == {w.agent.id}
    # A customer's reply tells the assignee; an agent's public reply tells the requester.
    assert _notify(w, _event(w, "message.added", author_membership_id=w.customer.id)) == {w.agent.id}
    assert _notify(w, _event(w, "message.added", author_membership_id=w.agent.id)) == {w.customer.id}
    assert _notify(w, _event(w, "ticket.status_changed")) == {w.customer.id}
    # New unassigned ticket: every staff member (no team).
    told = _notify(w, _event(w, "ticket.created", assignee_membership_id=None))
    assert told == {w.owner.id, w.admin.id, w.agent.id}


def test_never_a_customer_about_an_internal_note(two_tenants):
    w = two_tenants.a
    note = _event(
        w,
        "message.added",
        Visibility.INTERNAL,
        author_membership_id=w.admin.id,
        is_internal=True,
        follower_membership_ids=[w.customer.id, w.owner.id],
    )
    told = _notify(w, note)
    assert w.customer.id not in told and told == {w.agent.id, w.owner.id}
    with tenant_context(w.tenant.id):
        assert not OutboundEmail.objects.filter(to_address=w.customer.user.email).exists()


def test_actor_is_not_told_about_their_own_change_and_repeat_is_idempotent(two_tenants):
    w = two_tenants.a
    event = _event(w, "ticket.assigned", Visibility.INTERNAL, actor=Actor(kind="user", id=w.agent.user_id))
    assert _notify(w, event) == set()
    other = _event(w, "ticket.assigned", Visibility.INTERNAL)
    assert _notify(w, other) == {w.agent.id}
    assert _notify(w, other) == set()  # the same event again: nothing new


def test_email_uses_tenant_template_and_threads_reply_to_customer(two_tenants):
    w = two_tenants.a
    with tenant_context(w.tenant.id):
        NotificationTemplate.objects.create(
            tenant=w.tenant,
            event_type="message.added",
            subject="Reply from {{ tenant.name }} on #{{ data.number }}",
            body_text="{{ data.body_text }}",
            body_html="<p>{{ data.body_text }}</p>",
        )
    event = _event(w, "message.added", author_membership_id=w.agent.id, body_text="Try <b>turning</b> it off")
    _notify(w, event)
    with tenant_context(w.tenant.id):
        email = OutboundEmail.objects.get(to_address=w.customer.user.email)
    assert email.subject.startswith("Reply from Acme on #7")
    assert "[#42-" in email.subject and email.reply_to.startswith("support+t42-")
    assert email.body_text == "Try <b>turning</b> it off"
    assert email.body_html == "<p>Try &lt;b&gt;turning&lt;/b&gt; it off</p>"  # autoescaped
    assert "acme" in email.from_address


def test_email_links_to_the_ticket_in_the_recipients_portal_area(two_tenants):
    """Agents open tickets in the workspace, customers in the customer portal (routes of the React app)."""
    w = two_tenants.a
    ticket_id = sample_payload("message.added")["ticket_id"]
    _notify(w, _event(w, "message.added", author_membership_id=w.agent.id))  # tells the customer
    _notify(w, _event(w, "ticket.assigned", Visibility.INTERNAL))  # tells the agent
    with tenant_context(w.tenant.id):
        to_customer = OutboundEmail.objects.get(to_address=w.customer.user.email)
        to_agent = OutboundEmail.objects.get(to_address=w.agent.user.email)
    host = f"{w.tenant.slug}.localhost"
    assert f"{host}:8000/portal/tickets/{ticket_id}" in to_customer.body_text
    assert f"{host}:8000/agent/tickets/{ticket_id}" in to_agent.body_text
    assert "/agent/" not in to_customer.body_text


def test_preferences_turn_channels_off_and_digest(two_tenants):
    w = two_tenants.a
    client = session_client(w.agent)
    for channel, mode in (("email", "off"), ("in_app", "immediate")):
        response = client.put(
            "/api/v1/notification-preferences",
            data={"event_type": "ticket.assigned", "channel": channel, "mode": mode},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    bad = client.put(
        "/api/v1/notification-preferences",
        data={"event_type": "ticket.assigned", "channel": "in_app", "mode": "digest"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    _notify(w, _event(w, "ticket.assigned", Visibility.INTERNAL))
    with tenant_context(w.tenant.id):
        assert Notification.objects.filter(recipient=w.agent).count() == 1
        assert not OutboundEmail.objects.filter(to_address=w.agent.user.email).exists()


def test_api_list_unread_mark_read_and_isolation(two_tenants):
    w = two_tenants.a
    _notify(w, _event(w, "ticket.assigned", Visibility.INTERNAL))
    _notify(w, _event(w, "sla.breached", Visibility.INTERNAL))
    client = session_client(w.agent)
    items = client.get("/api/v1/notifications").json()
    assert len(items) == 2
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    assert client.post(f"/api/v1/notifications/{items[0]['id']}/read").status_code == 200
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    # Another member of the same tenant cannot read them either.
    assert session_client(w.admin).post(f"/api/v1/notifications/{items[0]['id']}/read").status_code == 404
    assert session_client(two_tenants.b.agent).get("/api/v1/notifications").json() == []
    assert_other_tenant_gets_404(
        two_tenants, "post", f"/api/v1/notifications/{items[1]['id']}/read", role="agent"
    )


@pytest.mark.parametrize("path", ["/api/v1/notifications", "/api/v1/notifications/unread-count"])
def test_customers_have_their_own_list(two_tenants, path):
    assert session_client(two_tenants.a.customer).get(path).status_code == 200
