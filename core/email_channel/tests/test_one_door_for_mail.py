"""Every kind of outgoing mail leaves through the outbound mail outbox, once per key, however
often the work that queues or sends it is retried. Counted on a real SMTP server.

Retries of each kind: the CSAT task run twice, an invitation or reset event handed to its
subscriber twice, the worker's send run twice, and a send the relay refused then accepted.
"""

from __future__ import annotations

import json
import smtplib
from collections import Counter

import pytest
from django.test import Client

from contracts.events import EventEnvelope
from csat.selectors import survey_for_ticket
from csat.tasks import send_csat_email
from email_channel.models import OutboundEmail
from email_channel.outbound import send_now
from email_channel.subscribers import on_member_invited, on_password_reset_requested
from events.models import OutboxEvent
from events.relay import relay_all
from tenancy.context import tenant_context
from testing.factories import host_for, session_client
from testing.mail_catcher import start_mail_catcher
from testing.outbound_mail import send_queued_mail
from tickets.services.tickets import ticket_create, ticket_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    catcher = start_mail_catcher()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", catcher.port, False
    yield catcher
    catcher.stop()


def _events(tenant_id: int, type_: str) -> list[EventEnvelope]:
    with tenant_context(tenant_id):
        rows = OutboxEvent.objects.filter(type=type_).order_by("id")
        return [EventEnvelope.model_validate(row.envelope) for row in rows]


def _send_twice(tenant_id: int) -> None:
    """The worker's send of every queued mail, run twice (a redelivered task message)."""
    with tenant_context(tenant_id):
        ids = list(OutboundEmail.objects.values_list("id", flat=True))
    for email_id in ids + ids:
        send_now(tenant_id=tenant_id, email_id=email_id)


def _keys_on_the_wire(catcher, tenant_id: int) -> Counter[str]:
    with tenant_context(tenant_id):
        key_of = dict(OutboundEmail.objects.values_list("message_id", "dedupe_key"))
    return Counter(key_of[mail.message["Message-ID"]] for mail in catcher.mails)


def test_each_kind_of_mail_reaches_the_smtp_server_once_per_key_after_retries(two_tenants, smtp):
    world = two_tenants.a
    tid = world.tenant.id
    # An invitation: its event handed to the subscriber twice.
    invited = session_client(world.admin).post(
        "/api/v1/members",
        json.dumps({"email": "new.agent@example.com", "role": "agent"}),
        content_type="application/json",
    )
    assert invited.status_code == 201, invited.content
    # Two reset requests (two mails), each event handed to the subscriber twice.
    portal = Client(HTTP_HOST=host_for(world.tenant))
    csrf = portal.get("/api/v1/auth/csrf").json()["csrf_token"]
    for _ in range(2):
        asked = portal.post(
            "/api/v1/auth/password-reset",
            json.dumps({"email": world.customer.user.email}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )
        assert asked.status_code == 202
    with tenant_context(tid):
        for event in _events(tid, "member.invited"):
            on_member_invited(event)
            on_member_invited(event)
        for event in _events(tid, "member.password_reset_requested"):
            on_password_reset_requested(event)
            on_password_reset_requested(event)
    # A CSAT survey: the task run twice.
    with tenant_context(tid):
        ticket = ticket_create(
            tenant=world.tenant, actor=world.customer, subject="Help", body_text="x"
        ).ticket
        ticket_update(tenant=world.tenant, ticket=ticket, actor=world.agent, changes={"status": "solved"})
    relay_all()  # also the notifications these changes cause, and the events above once more
    with tenant_context(tid):
        survey = survey_for_ticket(tenant=world.tenant, ticket=ticket)
    assert survey is not None
    for _ in range(2):
        send_csat_email.apply(args=(tid, survey.id)).get()

    _send_twice(tid)

    on_the_wire = _keys_on_the_wire(smtp, tid)
    assert set(on_the_wire.values()) == {1}, on_the_wire
    kinds = Counter(key.split(":")[0] for key in on_the_wire)
    assert (kinds["invite"], kinds["reset"], kinds["csat"]) == (1, 2, 1), kinds
    assert kinds["notify"] >= 1  # the agent heard of the new ticket, once
    with tenant_context(tid):
        assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def test_a_refused_send_fails_loudly_stays_pending_and_its_retry_sends_once(two_tenants, smtp):
    world = two_tenants.a
    tid = world.tenant.id
    portal = Client(HTTP_HOST=host_for(world.tenant))
    csrf = portal.get("/api/v1/auth/csrf").json()["csrf_token"]
    portal.post(
        "/api/v1/auth/password-reset",
        json.dumps({"email": world.customer.user.email}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    relay_all()
    with tenant_context(tid):
        [email] = OutboundEmail.objects.all()
    smtp.refuse_next = 1
    with pytest.raises(smtplib.SMTPDataError):  # the worker's task fails, and is retried
        send_now(tenant_id=tid, email_id=email.id)
    with tenant_context(tid):
        email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING and smtp.mails == []
    assert send_queued_mail(tid) == 1  # the retry
    assert send_queued_mail(tid) == 0  # and a retry of that retry
    assert _keys_on_the_wire(smtp, tid) == Counter({email.dedupe_key: 1})
    assert email.dedupe_key.startswith(f"reset:{world.customer.user.id}:")
