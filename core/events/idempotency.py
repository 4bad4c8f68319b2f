"""Idempotency keys for subscribers: handle each event at most once per subscriber.
tenant-queries: allowed (it writes the subscribers' idempotency keys).
"""

from __future__ import annotations

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
