"""Event subscriber: ask for a rating when a ticket becomes solved."""

from __future__ import annotations

from contracts.events import EventEnvelope
from csat.services import csat_request
from events.registry import has_subject, subscribes, ticket_id_of
from tenancy.models import Tenant


def _solved(event: EventEnvelope) -> bool:
    """the ticket became solved"""
    return event.data.get("status") == "solved"


@subscribes(
    "ticket.status_changed",
    name="csat.subscribers.on_status_changed",
    order=60,
    when=[_solved, has_subject],
    once=True,
    tenant=True,
)
def on_status_changed(event: EventEnvelope, tenant: Tenant) -> None:
    """Open the ticket's survey and queue its email."""
    csat_request(tenant=tenant, ticket_id=ticket_id_of(event))
