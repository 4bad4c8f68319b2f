"""Ticket events through the outbox and the side effects they cause, counted for the fault tests.

A `ticket.created` event with an assignee causes three side effects through the relay's
subscribers: an in-app notification, an email (the file backend, one file per message) and a
webhook POST to a local receiver. The fault tests (a worker killed, Redis or the broker
restarted) check that each happened exactly once per event.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import redis

from contracts.events import EventEnvelope, stream_key
from contracts.samples import sample_payload
from email_channel.models import OutboundEmail
from events import registry
from events.models import OutboxEvent
from events.services import event_record
from jobs.models import DeadLetter
from notifications.models import Notification
from tenancy.context import tenant_context
from testing import fault_report
from testing.factories import TenantWorld, make_world
from testing.http_receiver import Receiver
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.services import subscription_create


def effects_world(settings_override: Any, slug: str) -> TenantWorld:
    """A tenant whose events reach every subscriber (webhooks to a local receiver allowed) and
    whose stream starts empty (tenant ids restart after each committed test).
    `settings_override` is pytest-django's `settings`."""
    settings_override.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    registry.subscribers.cache_clear()
    world = make_world(slug)
    redis.Redis.from_url(settings_override.REDIS_URL).delete(stream_key(world.tenant.id))
    return world


def unpublished_count(world: TenantWorld) -> int:
    """Outbox rows of the world's tenant the relay has not published yet."""
    with tenant_context(world.tenant.id):
        return OutboxEvent.objects.filter(published_at__isnull=True).count()


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
    # redis-py types the reply for its sync and async clients at once; this one is sync.
    entries = cast(list[tuple[bytes, dict[bytes, bytes]]], client.xrange(stream_key(tenant_id)))
    envelopes = [EventEnvelope.from_stream_fields(fields) for _, fields in entries]
    return [str(e.id) for e in envelopes if e.type == "ticket.created"]


def assert_effects_once(
    world: TenantWorld,
    events: list[EventEnvelope],
    receiver: Receiver,
    mail_dir: Path,
    stream_client: redis.Redis,
    *,
    scenario: str,
) -> None:
    """Each event's effects exactly once, counted by id into the fault suite's report
    (testing/fault_report.py) under `scenario`."""
    event_ids = {str(e.id) for e in events}
    # Stream: at least once by design (the relay's XADD before its commit); every event is there.
    stream = stream_event_ids(stream_client, world.tenant.id)
    fault_report.record(scenario, "stream entries", produced=event_ids, delivered=stream)
    assert set(stream) == event_ids
    # In-app notifications: exactly one per event for the assignee (the unique key).
    with tenant_context(world.tenant.id):
        notified = list(Notification.objects.values_list("event_id", "recipient_id"))
        queued_mail = list(OutboundEmail.objects.values_list("message_id", flat=True))
    fault_report.assert_exactly_once(
        scenario, "notifications", produced=event_ids, delivered=[str(e) for e, _ in notified]
    )
    assert {r for _, r in notified} == {world.agent.id}
    # Emails: one per event (one outbox row each), none sent twice.
    assert len(queued_mail) == len(events)
    fault_report.assert_exactly_once(
        scenario, "outbound mail", produced=queued_mail, delivered=mail_message_ids(mail_dir)
    )
    # Webhooks: every event arrived; a repeat (the request cut by the kill) carries the
    # same delivery id, so a receiver that dedupes as documented applies each once.
    by_delivery: dict[str, str] = {}
    posts: dict[str, int] = {}
    for hit in receiver.received:
        delivery = hit.headers["x-frontline-delivery"]
        assert by_delivery.setdefault(delivery, hit.json["id"]) == hit.json["id"]
        posts[delivery] = posts.get(delivery, 0) + 1
    fault_report.assert_exactly_once(
        scenario,
        "webhooks",
        produced=event_ids,
        delivered=list(by_delivery.values()),
        redelivered=sum(n - 1 for n in posts.values()),
    )
    assert not DeadLetter.objects.exists()
