"""Event subscriber: route new (or newly team-assigned, unassigned) tickets by strategy."""

from __future__ import annotations

from assignment.services import ticket_auto_assign
from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes, ticket_id_of
from tenancy.models import Tenant


def _unassigned(event: EventEnvelope) -> bool:
    """the ticket has no assignee"""
    return event.data.get("assignee_membership_id") is None


@subscribes(
    "ticket.created",
    "ticket.assigned",
    name="assignment.subscribers.on_ticket_event",
    order=30,
    when=[has_subject, _unassigned],
    once=True,
    tenant=True,
)
def on_ticket_event(event: EventEnvelope, tenant: Tenant) -> None:
    """Assign the ticket by its team's strategy."""
    ticket_auto_assign(tenant=tenant, ticket_id=ticket_id_of(event))
