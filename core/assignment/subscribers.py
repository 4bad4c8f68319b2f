"""Event subscriber: route new (or newly team-assigned, unassigned) tickets by strategy."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import first_time
from tenancy.selectors import tenant_by_id

SUBSCRIBER = "assignment.subscribers.on_ticket_event"


def on_ticket_event(event: EventEnvelope) -> None:
    routable = event.type == "ticket.created" or (
        event.type == "ticket.assigned" and event.data.get("assignee_membership_id") is None
    )
    if not routable or event.subject_id is None or event.data.get("assignee_membership_id") is not None:
        return
    if not first_time(SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is not None:
        from assignment.services import ticket_auto_assign

        ticket_auto_assign(tenant=tenant, ticket_id=int(event.data.get("ticket_id") or event.subject_id))
