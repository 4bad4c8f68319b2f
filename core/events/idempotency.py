"""Idempotency keys for subscribers: handle each event at most once per subscriber.
tenant-queries: allowed (it writes the subscribers' idempotency keys).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import IntegrityError, transaction

from contracts.events import EventEnvelope
from events.models import ProcessedEvent


def first_time(subscriber: str, event: EventEnvelope) -> bool:
    """True the first time `subscriber` sees `event` (the key commits with its work)."""
    try:
        with transaction.atomic():
            ProcessedEvent.objects.create(tenant_id=event.tenant_id, subscriber=subscriber, event_id=event.id)
    except IntegrityError:
        return False
    return True


def queue_once_after_commit(subscriber: str, event: EventEnvelope, task: Task, args: tuple[Any, ...]) -> bool:
    """The usual subscriber: the first time it sees `event`, queue `task(*args)` once the relay's
    transaction commits. Robust: if the broker is down then, the subscriber's backfill or
    sweep queues the work later. True when it queued."""
    if not first_time(subscriber, event):
        return False
    transaction.on_commit(lambda: task.apply_async(args=args), robust=True)
    return True
