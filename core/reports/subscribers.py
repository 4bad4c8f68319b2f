"""Event subscriber: refresh the rollups of the ticket an event is about (idempotent per event)."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import subscribes
from reports.services import rollups_refresh_tickets
from tenancy.models import Tenant


def _names_a_ticket(event: EventEnvelope) -> bool:
    """the event names its ticket"""
    return bool(event.data.get("ticket_id"))


@subscribes(
    "ticket.*",
    "sla.*",
    "csat.*",
    "message.added",
    name="reports.subscriber.handle",  # the old dotted path, kept: it keys the idempotency rows
    order=100,
    when=[_names_a_ticket],
    once=True,
    tenant=True,
)
def handle(event: EventEnvelope, tenant: Tenant) -> None:
    """Recompute the rollups of the ticket (and of the one it was merged into)."""
    ids = [int(event.data["ticket_id"])]
    merged_into = event.data.get("merged_into_ticket_id")
    if merged_into:
        ids.append(int(merged_into))
    # The refresh recomputes from the ticket as it is now, so a late or repeated event
    # only ever brings the rollups closer to the truth.
    rollups_refresh_tickets(tenant=tenant, ticket_ids=ids)
