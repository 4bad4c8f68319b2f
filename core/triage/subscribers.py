"""Outbox subscriber: a new ticket is classified after commit, in a worker, never in the request."""

from __future__ import annotations

from django.db import transaction

from contracts.events import EventEnvelope
from events.idempotency import first_time


def handle(event: EventEnvelope) -> None:
    if event.type != "ticket.created" or event.subject_id is None:
        return
    if not first_time("triage", event):
        return
    from triage.tasks import triage_ticket

    tenant_id, ticket_id = event.tenant_id, event.subject_id
    # robust: if the broker is down the backfill job picks the ticket up later.
    transaction.on_commit(lambda: triage_ticket.apply_async(args=(tenant_id, ticket_id)), robust=True)
