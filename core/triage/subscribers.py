"""Outbox subscribers: a new ticket is classified after commit, in a worker, never in the
request; agents' later changes of the ticket are feedback on the predictions."""

from __future__ import annotations

from typing import Any

from accounts.member_selectors import membership_of_user
from contracts.events import EventEnvelope
from events.idempotency import first_time, queue_once_after_commit
from tenancy.selectors import tenant_by_id
from triage.models import Field
from triage.selectors import ticket_for_feedback
from triage.services.feedback import DONE_STATUSES, predictions_feedback_on_change

FEEDBACK_SUBSCRIBER = "triage.subscribers.on_ticket_changed"
PREDICTED_FIELDS = frozenset(Field)


def handle(event: EventEnvelope) -> None:
    if event.type != "ticket.created" or event.subject_id is None:
        return
    from triage.tasks import triage_ticket

    # If the broker is down after commit, the backfill job picks the ticket up later.
    queue_once_after_commit("triage", event, triage_ticket, (event.tenant_id, event.subject_id))


def _feedback_diff(event: EventEnvelope) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} of what the event changed that the feedback loop judges."""
    if event.type == "ticket.updated":
        changes = (event.data.get("agent_only") or {}).get("changes") or {}
        return {
            name: (change.get("old"), change.get("new"))
            for name, change in changes.items()
            if name in PREDICTED_FIELDS
        }
    if event.type == "ticket.status_changed" and event.data.get("status") in DONE_STATUSES:
        return {"status": (event.data.get("previous_status"), event.data.get("new_status"))}
    return {}


def on_ticket_changed(event: EventEnvelope) -> None:
    """A staff member's change of a predicted field, or their solving the ticket, is recorded
    against its predictions. Once per event: a replay after newer changes must not undo them."""
    diff = _feedback_diff(event)
    if not diff or event.subject_id is None or event.actor.kind != "user" or event.actor.id is None:
        return
    if not first_time(FEEDBACK_SUBSCRIBER, event):
        return
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is None:
        return
    ticket = ticket_for_feedback(tenant=tenant, ticket_id=event.subject_id)
    # A merge closes the duplicate: that is no verdict on its predictions.
    if ticket is None or ("status" in diff and ticket.merged_into_id is not None):
        return
    predictions_feedback_on_change(
        tenant=tenant,
        ticket=ticket,
        actor=membership_of_user(tenant=tenant, user_id=event.actor.id),
        diff=diff,
        status=str(event.data.get("status") or ticket.status),
    )
