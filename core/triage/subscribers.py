"""Outbox subscriber: a new ticket is classified after commit, in a worker, never in the request."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes
from jobs import enqueue_on_commit, task_name

TRIAGE_TICKET = task_name("triage.tasks.triage_ticket")


@subscribes("ticket.created", name="triage", order=70, when=[has_subject], once=True)
def handle(event: EventEnvelope) -> None:
    """Queue the ticket's classification by the AI service."""
    # If the broker is down after commit, the backfill job picks the ticket up later.
    enqueue_on_commit(TRIAGE_TICKET, tenant_id=event.tenant_id, ticket_id=event.subject_id)
