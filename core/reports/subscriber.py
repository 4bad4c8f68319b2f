"""Event subscriber: refresh the rollups of the ticket an event is about (idempotent per event)."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import first_time
from reports.services import rollups_refresh_tickets
from tenancy.selectors import tenant_by_id

SUBSCRIBER = "reports.subscriber.handle"


def handle(event: EventEnvelope) -> None:
    if not (event.type.startswith(("ticket.", "sla.", "csat.")) or event.type == "message.added"):
        return
    ticket_id = event.data.get("ticket_id")
    if not ticket_id or not first_time(SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is None:
        return
    ids = [int(ticket_id)]
    merged_into = event.data.get("merged_into_ticket_id")
    if merged_into:
        ids.append(int(merged_into))
    # The refresh recomputes from the ticket as it is now, so a late or repeated event
    # only ever brings the rollups closer to the truth.
    rollups_refresh_tickets(tenant=tenant, ticket_ids=ids)
