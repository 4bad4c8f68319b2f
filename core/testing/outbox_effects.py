"""Ticket events through the outbox and the side effects they cause, counted for the fault tests.

A `ticket.created` event with an assignee causes three side effects through the relay's
subscribers: an in-app notification, an email (the file backend, one file per message) and a
webhook POST to a local receiver. The fault tests (a worker killed, Redis or the broker
restarted) check that each happened exactly once per event.
"""

from __future__ import annotations

import re
from pathlib import Path

import redis

from contracts.events import EventEnvelope, stream_key
from contracts.samples import sample_payload
from email_channel.models import OutboundEmail
from events.services import event_record
from jobs.models import DeadLetter
from notifications.models import Notification
from tenancy.context import tenant_context
from testing.factories import TenantWorld
from testing.http_receiver import Receiver
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import subscription_create


def record_ticket_events(world: TenantWorld, count: int, start: int = 0) -> list[EventEnvelope]:
    """`count` ticket.created events, each in its own committed transaction (each kicks the relay)."""
    events = []
    for i in range(start, start + count):
        with tenant_context(world.tenant.id):
            data = sample_payload(
                "ticket.created",
                ticket_id=1000 + i,
                number=i + 1,
                requester_membership_id=world.customer.id,
                assignee_membership_id=world.agent.id,
            )
            events.append(event_record(tenant_id=world.tenant.id, type="ticket.created", data=data))
    return events


def subscribe_webhook(world: TenantWorld, url: str) -> WebhookSubscription:
    with tenant_context(world.tenant.id):
        return subscription_create(tenant=world.tenant, url=url, event_types=["ticket.created"])


def effect_counts(world: TenantWorld) -> tuple[int, int, int]:
    """(webhooks delivered, emails sent, notifications) of the world's tenant."""
    with tenant_context(world.tenant.id):
        return (
            WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count(),
            OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count(),
            Notification.objects.count(),
        )


def mail_message_ids(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*"):
        found += re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(errors="replace"), flags=re.M)
    return found


def stream_event_ids(client: redis.Redis, tenant_id: int) -> list[str]:
    """The event ids of the tenant stream's ticket.created entries, in stream order."""
    entries: list[tuple[bytes, dict[bytes, bytes]]] = client.xrange(stream_key(tenant_id))  # type: ignore[assignment]
    envelopes = [EventEnvelope.from_stream_fields(fields) for _, fields in entries]
    return [str(e.id) for e in envelopes if e.type == "ticket.created"]


def assert_effects_once(
    world: TenantWorld,
    events: list[EventEnvelope],
    receiver: Receiver,
    mail_dir: Path,
    stream_client: redis.Redis,
) -> None:
    event_ids = {str(e.id) for e in events}
    # Stream: at least once by design; every event is there.
    assert set(stream_event_ids(stream_client, world.tenant.id)) == event_ids
    # In-app notifications: exactly one per event for the assignee (the unique key).
    with tenant_context(world.tenant.id):
        notified = list(Notification.objects.values_list("event_id", "recipient_id"))
    assert sorted(str(e) for e, _ in notified) == sorted(event_ids)
    assert {r for _, r in notified} == {world.agent.id}
    # Emails: one per event, none sent twice.
    mail_ids = mail_message_ids(mail_dir)
    assert len(mail_ids) == len(events) == len(set(mail_ids))
    # Webhooks: every event arrived; a repeat (the request cut by the kill) carries the
    # same delivery id, so a receiver that dedupes as documented applies each once.
    by_delivery: dict[str, set[str]] = {}
    for hit in receiver.received:
        by_delivery.setdefault(hit.headers["x-frontline-delivery"], set()).add(hit.json["id"])
    assert {next(iter(v)) for v in by_delivery.values()} == event_ids
    assert all(len(v) == 1 for v in by_delivery.values())
    assert len(by_delivery) == len(events)
    assert not DeadLetter.objects.exists()
