"""Every outgoing action of a rule has its effect: notify (in-app + email per preferences),
email to the requester (through the email channel, threaded), and webhook (SSRF-safe)."""

import pytest

from automations.models import Delivery
from automations.selectors import deliveries_for
from automations.services.deliveries import delivery_send
from automations.tests.helpers import create, trigger
from email_channel.models import OutboundEmail
from email_channel.outbound import send_now
from events.models import OutboxEvent
from notifications.models import Notification
from notifications.services import preference_set
from tenancy.context import tenant_context
from tenancy.services import team_add_member, team_create
from testing.http_receiver import start_receiver

pytestmark = pytest.mark.django_db


def queued(world, ticket):
    with tenant_context(world.tenant.id):
        return list(deliveries_for(tenant=world.tenant, ticket=ticket))


def send_all(world, ticket):
    return [delivery_send(tenant_id=world.tenant.id, delivery_id=d.id) for d in queued(world, ticket)]


def test_notify_reaches_listed_members_and_the_team_in_app_and_by_email(two_tenants):
    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        team = team_create(tenant=acme.tenant, name="Tier 2")
        team_add_member(tenant=acme.tenant, team=team, membership=acme.agent)
        # the owner wants these in-app only
        preference_set(
            tenant=acme.tenant, membership=acme.owner, event_type="rule.notify", channel="email", mode="off"
        )
    trigger(
        acme,
        name="tell tier 2",
        actions=[
            {
                "type": "notify",
                "membership_ids": [acme.owner.id],
                "team_id": team.id,
                "text": "Look at {{ticket.subject}}",
            }
        ],
    )
    ticket = create(acme, subject="Disk full")
    assert send_all(acme, ticket) == ["sent"]
    with tenant_context(acme.tenant.id):
        notes = {
            n.recipient_id: n for n in Notification.objects.filter(tenant=acme.tenant, kind="rule.notify")
        }
        key = next(iter(notes.values())).event_id
        rule_mails = OutboundEmail.objects.filter(tenant=acme.tenant, dedupe_key__startswith=f"notify:{key}:")
        mails = {e.to_address: e for e in rule_mails}
        pushed = OutboxEvent.objects.filter(tenant=acme.tenant, type="notification.created").count()
    # the listed owner and the team's agent
    assert set(notes) == {acme.owner.id, acme.agent.id}
    assert notes[acme.agent.id].title == f"Ticket #{ticket.number}: Look at Disk full"
    assert notes[acme.agent.id].ticket_id == ticket.id
    assert pushed >= 2  # in-app notifications go to the realtime gateway
    assert set(mails) == {"agent@acme.test"}  # the owner turned email off
    assert "Look at Disk full" in mails["agent@acme.test"].body_text
    # the other tenant got nothing
    with tenant_context(two_tenants.b.tenant.id):
        assert not Notification.objects.filter(tenant=two_tenants.b.tenant).exists()


def test_a_notify_delivery_sent_twice_notifies_no_one_twice(two_tenants):
    acme = two_tenants.a
    trigger(acme, name="n", actions=[{"type": "notify", "membership_ids": [acme.agent.id], "text": "hi"}])
    ticket = create(acme)
    (delivery,) = queued(acme, ticket)
    assert delivery_send(tenant_id=acme.tenant.id, delivery_id=delivery.id) == "sent"
    with tenant_context(acme.tenant.id):
        Delivery.objects.filter(tenant=acme.tenant, id=delivery.id).update(status="pending")
    assert delivery_send(tenant_id=acme.tenant.id, delivery_id=delivery.id) == "sent"
    with tenant_context(acme.tenant.id):
        assert (
            Notification.objects.filter(tenant=acme.tenant, recipient=acme.agent, kind="rule.notify").count()
            == 1
        )


def test_email_to_requester_goes_through_the_email_channel_threaded(two_tenants, mailoutbox):
    acme = two_tenants.a
    trigger(
        acme,
        name="ack",
        actions=[
            {
                "type": "email_requester",
                "subject": "We got #{{ticket.number}}",
                "body": "Hello {{ticket.requester.name}}, about {{ticket.subject}}.",
            }
        ],
    )
    ticket = create(acme, subject="Broken login")
    assert send_all(acme, ticket) == ["sent"]
    with tenant_context(acme.tenant.id):
        email = OutboundEmail.objects.get(tenant=acme.tenant, dedupe_key__startswith="rule-delivery:")
    assert email.to_address == "customer@acme.test"
    assert email.ticket_id == ticket.id
    assert email.reply_to  # answering continues the ticket
    assert send_now(tenant_id=acme.tenant.id, email_id=email.id)
    assert mailoutbox[-1].to == ["customer@acme.test"]
    assert mailoutbox[-1].subject.startswith(f"We got #{ticket.number}")
    assert mailoutbox[-1].body == "Hello customer@acme.test, about Broken login."


def test_webhook_posts_the_ticket_to_an_allowed_target(two_tenants, settings):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver is on loopback
    acme = two_tenants.a
    receiver = start_receiver()
    try:
        trigger(acme, name="hook", actions=[{"type": "webhook", "url": receiver.url}])
        ticket = create(acme, subject="Broken login")
        assert send_all(acme, ticket) == ["sent"]
        body = receiver.received[-1].json
        assert body["ticket"]["number"] == ticket.number
        assert body["rule"].startswith("trigger:")
        assert body["tenant_id"] == acme.tenant.id
    finally:
        receiver.stop()


def test_webhook_to_a_private_address_is_refused_not_retried(two_tenants):
    acme = two_tenants.a
    receiver = start_receiver()
    try:
        trigger(acme, name="hook", actions=[{"type": "webhook", "url": receiver.url}])
        ticket = create(acme)
        assert send_all(acme, ticket) == ["failed"]
        assert receiver.received == []
        (delivery,) = queued(acme, ticket)
        assert delivery.last_error.startswith("refused:")
    finally:
        receiver.stop()


def test_unreachable_webhook_stays_pending_with_the_error(two_tenants, settings):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    acme = two_tenants.a
    trigger(acme, name="hook", actions=[{"type": "webhook", "url": "http://127.0.0.1:9/nothing"}])
    ticket = create(acme)
    assert send_all(acme, ticket) == ["pending"]
    (delivery,) = queued(acme, ticket)
    assert delivery.attempts == 1
    assert delivery.status == Delivery.Status.PENDING
    assert "ConnectionRefused" in delivery.last_error


def test_notify_targets_must_be_staff_and_a_team_of_this_tenant(two_tenants):
    import json

    from testing.factories import session_client

    acme, globex = two_tenants.a, two_tenants.b

    def save(action):
        body = {
            "name": "n",
            "events": ["ticket.created"],
            "actions": [{"type": "notify", "text": "hi", **action}],
        }
        return session_client(acme.admin).post(
            "/api/v1/triggers", json.dumps(body), content_type="application/json"
        )

    for action, reason in [
        ({"membership_ids": [globex.agent.id]}, "no agent, admin or owner"),
        ({"membership_ids": [acme.customer.id]}, "no agent, admin or owner"),
        ({"team_id": 999999}, "no team"),
        ({}, "give membership_ids"),
    ]:
        response = save(action)
        assert response.status_code == 422 and reason in response.text, (action, response.text)
    assert save({"membership_ids": [acme.agent.id]}).status_code == 201
