"""Event subscriber: turn each event into deliveries for the tenant's matching webhooks."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import subscribes
from jobs import enqueue_on_commit, task_name
from webhooks.services import deliveries_create_for_event

DELIVER = task_name("webhooks.tasks.deliver")


@subscribes("*", name="webhooks", order=20)
def handle(event: EventEnvelope) -> None:
    """Queue a delivery to each of the tenant's webhooks that subscribe to the event."""
    # Idempotent by the (subscription, event) unique key; the HTTP work goes to Celery.
    for delivery_id in deliveries_create_for_event(event=event):
        enqueue_on_commit(DELIVER, tenant_id=event.tenant_id, delivery_id=delivery_id)
