"""Member changes are events (the audit trail) and an added member gets an invitation email.

A person the admin added without a password gets a one-time link to choose one (the reset
token); someone who already has a password is told to sign in. Each event mails once.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client

from contracts.events import EventEnvelope
from contracts.samples import sample_payload
from email_channel.models import OutboundEmail
from email_channel.subscribers import on_member_invited as invitation_subscriber
from events.models import OutboxEvent
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.outbound_mail import deliver_mail

pytestmark = pytest.mark.django_db


def _member_events(tenant) -> list[EventEnvelope]:
    with tenant_context(tenant.id):
        rows = OutboxEvent.objects.filter(tenant_id=tenant.id, type__startswith="member.").order_by("id")
        return [EventEnvelope.model_validate(row.envelope) for row in rows]


def _invite(admin, **body) -> dict:
    response = session_client(admin).post(
        "/api/v1/members", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_invite_role_change_and_deactivation_are_recorded_with_who_did_it(two_tenants):
    world = two_tenants.a
    member = _invite(world.admin, email="new@example.com", role="agent")
    client = session_client(world.admin)
    client.patch(
        f"/api/v1/members/{member['id']}", json.dumps({"role": "customer"}), content_type="application/json"
    )
    client.patch(
        f"/api/v1/members/{member['id']}", json.dumps({"active": False}), content_type="application/json"
    )

    events = _member_events(world.tenant)
    assert [(e.type, e.data["changed_fields"], e.data["role"], e.data["active"]) for e in events] == [
        ("member.invited", [], "agent", True),
        ("member.updated", ["role"], "customer", True),
        ("member.updated", ["active"], "customer", False),
    ]
    assert {e.data["by_membership_id"] for e in events} == {world.admin.id}
    assert events[0].data["new_user"] is True and events[0].subject_id == member["id"]
    assert _member_events(two_tenants.b.tenant) == []


def _reset_link_parts(body: str) -> tuple[str, str]:
    match = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", body)
    assert match, body
    return match.group(1), match.group(2)


def test_a_new_member_without_password_gets_a_link_that_sets_one(two_tenants):
    world = two_tenants.a
    _invite(world.admin, email="jane@example.com", role="agent", full_name="Jane")
    assert deliver_mail() == 1

    [message] = mail.outbox
    assert message.to == ["jane@example.com"] and world.tenant.name in message.subject
    assert "Welcome Jane" in message.body and "as agent" in message.body
    uid, token = _reset_link_parts(message.body)
    assert f"{world.tenant.slug}.localhost" in message.body

    portal = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    csrf = portal.get("/api/v1/auth/csrf").json()["csrf_token"]
    chosen = portal.post(
        "/api/v1/auth/password-reset/confirm",
        json.dumps({"uid": uid, "token": token, "password": "a brand new staple"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert chosen.status_code < 300, chosen.content
    login = portal.post(
        "/api/v1/auth/login",
        json.dumps({"email": "jane@example.com", "password": "a brand new staple"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert login.status_code == 200, login.content


def test_someone_with_a_password_is_told_to_sign_in_without_a_token(two_tenants):
    world = two_tenants.a
    existing = two_tenants.b.agent.user
    existing.set_password("their own password")
    existing.save()
    _invite(world.admin, email=existing.email, role="customer")
    assert deliver_mail() == 1
    [message] = mail.outbox
    assert "/login" in message.body and "reset-password" not in message.body
    assert "help center" in message.body  # a customer is sent to the portal, not the workspace


def test_a_deactivated_or_unknown_member_gets_no_mail(two_tenants):
    world = two_tenants.a
    # Another tenant's membership id is no one in this tenant.
    for membership_id in (999_999, two_tenants.b.agent.id):
        event = EventEnvelope(
            tenant_id=world.tenant.id,
            type="member.invited",
            subject_id=membership_id,
            data=sample_payload("member.invited", membership_id=membership_id),
        )
        with tenant_context(world.tenant.id):
            invitation_subscriber(event)
            assert not OutboundEmail.objects.exists()
    assert deliver_mail() == 0
    assert mail.outbox == []


def test_the_subscriber_queues_one_mail_per_invitation_event(two_tenants, django_capture_on_commit_callbacks):
    world = two_tenants.a
    _invite(world.admin, email="once@example.com", role="agent")
    [event] = _member_events(world.tenant)
    # The relay runs subscribers in the event's tenant context.
    with tenant_context(world.tenant.id), django_capture_on_commit_callbacks() as callbacks:
        invitation_subscriber(event)
        invitation_subscriber(event)  # redelivered by the relay: handled once
    assert len(callbacks) == 1
