"""Outbox subscribers: a new ticket is classified after commit, in a worker, never in the
request; agents' later changes of the ticket are feedback on the predictions."""

from __future__ import annotations

from typing import Any

from accounts.selectors import membership_of_user
from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes
from jobs import enqueue_on_commit, task_name
from tenancy.models import Tenant
from triage.models import Field
from triage.selectors import ticket_for_feedback
from triage.services.feedback import DONE_STATUSES, predictions_feedback_on_change

TRIAGE_TICKET = task_name("triage.tasks.triage_ticket")
PREDICTED_FIELDS = frozenset(Field)


@subscribes("ticket.created", name="triage", order=70, when=[has_subject], once=True)
def handle(event: EventEnvelope) -> None:
    """Queue the ticket's classification by the AI service."""
    # If the broker is down after commit, the backfill job picks the ticket up later.
    enqueue_on_commit(TRIAGE_TICKET, tenant_id=event.tenant_id, ticket_id=event.subject_id)


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


def _a_person_changed_a_predicted_field(event: EventEnvelope) -> bool:
    """a staff member changed a predicted field or solved the ticket"""
    return (
        event.subject_id is not None
        and event.actor.kind == "user"
        and event.actor.id is not None
        and bool(_feedback_diff(event))
    )


@subscribes(
    "ticket.updated",
    "ticket.status_changed",
    # The key the stored idempotency rows carry (the subscriber's dotted path before the registry).
    name="triage.subscribers.on_ticket_changed",
    order=75,
    when=[_a_person_changed_a_predicted_field],
    # Once per event: a replay after newer changes must not undo them.
    once=True,
    tenant=True,
)
def on_ticket_changed(event: EventEnvelope, tenant: Tenant) -> None:
    """Record a staff member's change of a predicted field (or their solving) as feedback.

    The change is judged against the ticket's predictions."""
    if event.subject_id is None or event.actor.id is None:  # ruled out by the `when` condition
        return
    diff = _feedback_diff(event)
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
