"""The feedback loop: what agents make of the AI's category and priority predictions.

An agent changing a predicted field (through any ticket update, learnt from its event) is
recorded as a correction, or as an acceptance when they set the predicted value; the portal
can also accept, correct or reject a suggestion explicitly. Each decision keeps who, when,
the final value and the model version that predicted it, for the accuracy report and as
training labels.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tenancy.models import Membership, Tenant
from tickets.models import Ticket
from tickets.models.statuses import StatusCategory
from tickets.models.tickets import Priority
from tickets.services.tickets import ticket_update
from triage.models import Field, Outcome, Prediction

DONE_STATUSES = {StatusCategory.SOLVED, StatusCategory.CLOSED}
# What a rejected prediction the AI had applied is put back to.
UNSET = {Field.CATEGORY: "", Field.PRIORITY: Priority.NORMAL}


def _decide(row: Prediction, *, actor: Membership | None, final: str, outcome: str | None = None) -> None:
    if outcome is None:
        outcome = Outcome.ACCEPTED if final == row.label else Outcome.CORRECTED
        if row.field == Field.CATEGORY and not final:
            outcome = Outcome.REJECTED  # cleared: wrong, and no right value given
    row.outcome, row.final_value = outcome, final
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save(update_fields=["outcome", "final_value", "decided_by", "decided_at"])


def predictions_feedback_on_change(
    *,
    tenant: Tenant,
    ticket: Ticket,
    actor: Membership | None,
    diff: dict[str, tuple[Any, Any]],
    status: str,
) -> None:
    """A staff member changed predicted fields, or solved the ticket keeping predicted values
    (those count as accepted: agents seldom click accept on a right prediction, and counting
    only corrections would understate accuracy). Fed by the ticket events (`triage.subscribers`):
    `diff` is {field: (old, new)}, `status` the ticket's status category after the change."""
    if actor is None or not actor.is_staff_role:
        return
    fields = [f for f in (Field.CATEGORY, Field.PRIORITY) if f in diff]
    for row in Prediction.objects.filter(tenant=tenant, ticket=ticket, field__in=fields):
        _decide(row, actor=actor, final=str(diff[row.field][1] or ""))
    if "status" in diff and status in DONE_STATUSES:
        for row in Prediction.objects.filter(tenant=tenant, ticket=ticket, outcome=Outcome.PENDING):
            if getattr(ticket, row.field) == row.label:
                _decide(row, actor=actor, final=row.label, outcome=Outcome.ACCEPTED)


def prediction_for_update(*, tenant: Tenant, ticket: Ticket, field: str) -> Prediction | None:
    return Prediction.objects.select_for_update().filter(tenant=tenant, ticket=ticket, field=field).first()


def _set_field(tenant: Tenant, ticket: Ticket, actor: Membership, field: str, value: str) -> None:
    ticket_update(tenant=tenant, ticket=ticket, actor=actor, changes={field: value}, via="ai-suggestion")


@transaction.atomic
def prediction_accept(*, tenant: Tenant, ticket: Ticket, actor: Membership, field: str) -> Prediction | None:
    """Set the predicted value on the ticket (if it is not there yet) and count the prediction right."""
    row = prediction_for_update(tenant=tenant, ticket=ticket, field=field)
    if row is None:
        return None
    if getattr(ticket, field) != row.label:
        _set_field(tenant, ticket, actor, field, row.label)
    _decide(row, actor=actor, final=row.label, outcome=Outcome.ACCEPTED)
    return row


@transaction.atomic
def prediction_correct(
    *, tenant: Tenant, ticket: Ticket, actor: Membership, field: str, value: str
) -> Prediction | None:
    """Set the right value on the ticket and record it against the prediction."""
    row = prediction_for_update(tenant=tenant, ticket=ticket, field=field)
    if row is None:
        return None
    _set_field(tenant, ticket, actor, field, value)
    ticket.refresh_from_db(fields=[field])
    _decide(row, actor=actor, final=str(getattr(ticket, field)))
    return row


@transaction.atomic
def prediction_reject(*, tenant: Tenant, ticket: Ticket, actor: Membership, field: str) -> Prediction | None:
    """The prediction is wrong; a value the AI applied itself is taken back off the ticket."""
    row = prediction_for_update(tenant=tenant, ticket=ticket, field=field)
    if row is None:
        return None
    if row.applied and getattr(ticket, field) == row.label:
        _set_field(tenant, ticket, actor, field, UNSET[Field(field)])
        ticket.refresh_from_db(fields=[field])
    _decide(row, actor=actor, final=str(getattr(ticket, field)), outcome=Outcome.REJECTED)
    return row
