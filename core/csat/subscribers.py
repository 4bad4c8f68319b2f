"""Event subscriber: ask for a rating when a ticket becomes solved."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import first_time
from tenancy.selectors import tenant_by_id

SUBSCRIBER = "csat.subscribers.on_status_changed"


def on_status_changed(event: EventEnvelope) -> None:
    if (
        event.type != "ticket.status_changed"
        or event.data.get("status") != "solved"
        or event.subject_id is None
    ):
        return
    if not first_time(SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is not None:
        from csat.services import csat_request

        csat_request(tenant=tenant, ticket_id=int(event.data.get("ticket_id") or event.subject_id))
