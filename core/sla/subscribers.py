"""Event subscriber: keep a ticket's SLA clocks in step with every change of the ticket."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes, ticket_id_of
from sla.services.clocks import sla_sync
from tenancy.models import Tenant


@subscribes(
    "ticket.*",
    "message.added",
    name="sla.subscribers.on_ticket_event",
    order=40,
    when=[has_subject],
    once=True,
    tenant=True,
)
def on_ticket_event(event: EventEnvelope, tenant: Tenant) -> None:
    """Start, pause, stop or re-target the ticket's SLA clocks."""
    sla_sync(
        tenant=tenant,
        ticket_id=ticket_id_of(event),
        at=event.occurred_at,
        event_type=event.type,
        data=event.data,
    )
