"""Event subscriber: turn each event into deliveries for the tenant's matching webhooks."""

from __future__ import annotations

from django.db import transaction

from contracts.events import EventEnvelope
from webhooks.services import deliveries_create_for_event


def handle(event: EventEnvelope) -> None:
    # Idempotent by the (subscription, event) unique key; the HTTP work goes to Celery.
    created = deliveries_create_for_event(event=event)
    if created:
        from webhooks.tasks import deliver

        tenant_id = event.tenant_id
        for delivery_id in created:
            transaction.on_commit(
                lambda d=delivery_id: deliver.delay(tenant_id=tenant_id, delivery_id=d),  # type: ignore[misc]
                robust=True,
            )
