"""Outbox subscriber: a new ticket is classified after commit, in a worker, never in the request."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import queue_once_after_commit


def handle(event: EventEnvelope) -> None:
    if event.type != "ticket.created" or event.subject_id is None:
        return
    from triage.tasks import triage_ticket

    # If the broker is down after commit, the backfill job picks the ticket up later.
    queue_once_after_commit("triage", event, triage_ticket, (event.tenant_id, event.subject_id))
