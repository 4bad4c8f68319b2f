"""Event subscriber: run the tenant's triggers for each event about a ticket."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import first_time
from tenancy.selectors import tenant_by_id

SUBSCRIBER = "automations.subscribers.on_event"


def on_event(event: EventEnvelope) -> None:
    if event.subject_id is None or not first_time(SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is not None:
        from automations.services.triggers import run_triggers

        run_triggers(tenant=tenant, event=event)
