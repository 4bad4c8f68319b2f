"""Event subscriber: keep a ticket's SLA clocks in step with every change of the ticket."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import first_time
from sla.services.clocks import sla_sync
from tenancy.selectors import tenant_by_id

SUBSCRIBER = "sla.subscribers.on_ticket_event"


def on_ticket_event(event: EventEnvelope) -> None:
    if event.subject_id is None or not (event.type.startswith("ticket.") or event.type == "message.added"):
        return
    if not first_time(SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is None:
        return
    sla_sync(
        tenant=tenant,
        ticket_id=int(event.data.get("ticket_id") or event.subject_id),
        at=event.occurred_at,
        event_type=event.type,
        data=event.data,
    )
