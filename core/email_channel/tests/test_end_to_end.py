"""The issue's "done when", by email, with real parts: the customer writes over SMTP to the
receiver, a real Celery worker relays the events, notifications and webhooks, outbound
mail goes over SMTP to a catch server (the customer's mailbox), and the customer's
answer to that mail continues the same ticket.
"""

from __future__ import annotations

import smtplib
import time
from email.utils import parseaddr

import pytest
import redis

from config.celery import app as celery_app
from contracts.events import stream_key
from email_channel.models import OutboundEmail
from email_channel.receiver import make_controller
from events import registry
from notifications.models import Notification
from tenancy.context import tenant_context
from testing.factories import make_world
from testing.http_receiver import start_receiver
from testing.mail_catcher import start_mail_catcher
from testing.workers import free_port, kill_group, start_worker, wait_until, worker_env
from webhooks.signing import verify

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed]

CUSTOMER = "dana@example.org"
FIRST = f"""From: Dana Doe <{CUSTOMER}>
To: support@acme.mail.localhost
Subject: Printer on fire
Message-ID: <e2e-first@example.org>
Content-Type: text/plain; charset=utf-8

The printer in room 4 is smoking.
""".encode()


def _answer(to: str, subject: str, in_reply_to: str, references: str) -> bytes:
    return f"""From: Dana Doe <{CUSTOMER}>
To: {to}
Subject: Re: {subject}
Message-ID: <e2e-answer@example.org>
In-Reply-To: {in_reply_to}
References: {references} {in_reply_to}
Content-Type: text/plain; charset=utf-8

Unplugged it, the smoke stopped.

On Thu, 26 Nov 2026 Acme wrote:
> Please unplug it.
""".encode()


@pytest.fixture
def parts(tmp_path, settings):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    registry.subscribers.cache_clear()
    world = make_world("acme")
    redis.Redis.from_url(settings.REDIS_URL).delete(stream_key(world.tenant.id))
    catcher = start_mail_catcher()
    hooks = start_receiver()
    receiver_port = free_port()
    receiver = make_controller("127.0.0.1", receiver_port)
    receiver.start()
    celery_app.control.purge()
    env = worker_env(
        settings.REDIS_URL,
        FRONTLINE_EMAIL_HOST="127.0.0.1",
        FRONTLINE_EMAIL_PORT=str(catcher.port),
        FRONTLINE_EMAIL_TLS="0",
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
    )
    worker = start_worker(env, log=tmp_path / "worker.log")
    yield world, catcher, hooks, receiver_port, tmp_path / "worker.log"
    kill_group(worker, sig=15)
    receiver.stop()
    catcher.stop()
    hooks.stop()
    celery_app.control.purge()


def _smtp_send(port: int, rcpt: str, raw: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(CUSTOMER, [rcpt], raw)


def test_email_ticket_reaches_everyone_once_and_the_customer_answer_continues_it(parts):
    from tickets.models import Message, Ticket
    from tickets.services.messages import message_add
    from tickets.services.tickets import ticket_assign
    from webhooks.services import subscription_create

    world, catcher, hooks, receiver_port, log = parts
    tenant, agent, admin = world.tenant, world.agent, world.admin
    with tenant_context(tenant.id):
        hook = subscription_create(tenant=tenant, url=hooks.url, event_types=["ticket.created"])

    # Given a customer's email over a real SMTP session: a ticket.
    _smtp_send(receiver_port, "support@acme.mail.localhost", FIRST)
    with tenant_context(tenant.id):
        ticket = Ticket.objects.get(tenant=tenant)
        assert ticket.channel == "email"
        # When an admin assigns it, the agent replies publicly and writes an internal note.
        ticket = ticket_assign(tenant=tenant, ticket=ticket, actor=admin, assignee_id=agent.id)
        message_add(
            tenant=tenant, ticket=ticket, author=agent, body_text="Please unplug it.", channel="agent"
        )
        message_add(
            tenant=tenant,
            ticket=ticket,
            author=agent,
            body_text="Secret: the vendor is at fault.",
            internal=True,
        )

    def reply_mail():
        return [m for m in catcher.to(CUSTOMER) if "Please unplug it." in m.text()]

    def agent_told():
        with tenant_context(tenant.id):
            in_app = Notification.objects.filter(
                tenant=tenant, recipient=agent, kind="ticket.assigned"
            ).count()
        return in_app == 1 and any(
            "assigned" in m.message["Subject"].lower() for m in catcher.to(agent.user.email)
        )

    # Then the customer gets a threaded reply, the assignee an in-app and an email
    # notification, and the webhook receiver a signed ticket.created payload.
    assert wait_until(lambda: reply_mail() and agent_told() and hooks.received, timeout=120), (
        [m.message["Subject"] for m in catcher.mails],
        len(hooks.received),
        log.read_text()[-3000:],
    )
    mail = reply_mail()[0].message
    assert parseaddr(mail["From"])[1] == "support@acme.mail.localhost"
    assert mail["Message-ID"] and mail["Message-ID"].endswith("@acme.mail.localhost>")
    assert mail["In-Reply-To"] == "<e2e-first@example.org>"
    assert "<e2e-first@example.org>" in mail["References"]
    reply_to = parseaddr(mail["Reply-To"])[1]
    assert reply_to.startswith("support+t") and reply_to.endswith("@acme.mail.localhost")

    hit = hooks.received[0]
    assert hit.json["type"] == "ticket.created" and hit.json["data"]["ticket_id"] == ticket.id
    assert verify(
        hook.secret, int(hit.headers["x-frontline-timestamp"]), hit.body, hit.headers["x-frontline-signature"]
    )

    # When the customer answers that email (a real SMTP session, to its Reply-To).
    answer = _answer(reply_to, mail["Subject"], mail["Message-ID"], mail["References"])
    _smtp_send(receiver_port, reply_to, answer)

    # Then it continues the same ticket, quote stripped, and the assignee hears of it.
    with tenant_context(tenant.id):
        assert Ticket.objects.filter(tenant=tenant).count() == 1
        last = (
            Message.objects.select_related("author__user")
            .filter(tenant=tenant, ticket=ticket)
            .order_by("-id")
            .first()
        )
    assert last.body_text == "Unplugged it, the smoke stopped." and last.author.user.email == CUSTOMER
    assert wait_until(
        lambda: any("Unplugged it" in m.text() for m in catcher.to(agent.user.email)), timeout=60
    ), log.read_text()[-3000:]

    # Exactly once in effect, and the internal note never reached the customer.
    time.sleep(2)
    assert not [m for m in catcher.to(CUSTOMER) if "vendor" in m.text() or "Secret" in m.message["Subject"]]
    assert len(reply_mail()) == 1
    ids = [m.message["Message-ID"] for m in catcher.mails]
    assert len(ids) == len(set(ids))
    with tenant_context(tenant.id):
        sent = OutboundEmail.objects.filter(tenant=tenant, status=OutboundEmail.Status.SENT).count()
        pairs = list(Notification.objects.filter(tenant=tenant).values_list("event_id", "recipient_id"))
    assert sent == len(catcher.mails)
    assert len(pairs) == len(set(pairs))
    deliveries = {h.headers["x-frontline-delivery"] for h in hooks.received}
    assert len(deliveries) == 1  # one ticket.created, delivered once
