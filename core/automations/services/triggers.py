"""Triggers: on each event, the tenant's enabled triggers for that event type run in order.

Loop guard: a trigger never reacts to a change it made itself, and once triggers have
fired `MAX_RUNS_PER_WINDOW` times on a ticket within `WINDOW`, events caused by
triggers are ignored on that ticket (logged, and recorded as a `loop_guard` run).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from automations.models import RuleRun, Trigger
from automations.schemas import Actions, Conditions
from automations.services.engine import apply_actions, conditions_hold, facts_for
from contracts.events import EventEnvelope
from tenancy.models import Tenant
from tickets.models import Ticket

logger = logging.getLogger(__name__)
MAX_RUNS_PER_WINDOW = 10
WINDOW = dt.timedelta(minutes=5)


def _caused_by_trigger(event: EventEnvelope) -> str:
    name = event.actor.name if event.actor.kind == "system" else ""
    return name if name.startswith("trigger:") else ""


def run_triggers(*, tenant: Tenant, event: EventEnvelope) -> list[int]:
    """Run matching triggers for `event`; returns the ids of those that applied."""
    ticket_id = event.data.get("ticket_id") or event.subject_id
    triggers = [
        t
        for t in Trigger.objects.filter(tenant=tenant, enabled=True).order_by("position", "id")
        if event.type in (t.events or [])
    ]
    if not ticket_id or not triggers:
        return []
    ticket = Ticket.objects.filter(tenant=tenant, id=ticket_id).first()
    if ticket is None:
        return []
    cause = _caused_by_trigger(event)
    if cause:
        recent = RuleRun.objects.filter(
            tenant=tenant,
            ticket=ticket,
            kind=RuleRun.Kind.TRIGGER,
            created_at__gte=event.occurred_at - WINDOW,
        ).count()
        if recent >= MAX_RUNS_PER_WINDOW:
            logger.warning("trigger loop guard: ticket %s, %s runs in %s", ticket.id, recent, WINDOW)
            RuleRun.objects.create(
                tenant=tenant, kind=RuleRun.Kind.TRIGGER, rule_id=0, ticket=ticket, event_id=event.id,
                outcome="loop_guard", detail=f"stopped after {recent} runs; caused by {cause}",
            )  # fmt: skip
            return []
    applied = []
    for trigger in triggers:
        via = f"trigger:{trigger.id}"
        if via == cause:
            continue
        ticket.refresh_from_db()  # an earlier trigger may have changed it
        facts = facts_for(tenant=tenant, ticket=ticket, at=event.occurred_at, data=event.data)
        try:  # rows edited outside the API may not parse; such a rule is skipped, loudly
            conditions = Conditions.model_validate(trigger.conditions)
            actions = Actions.model_validate({"actions": trigger.actions}).actions
        except PydanticValidationError:
            logger.exception("trigger %s is invalid; skipped", trigger.id)
            continue
        if not conditions_hold(tenant, conditions, facts):
            continue
        try:
            with transaction.atomic():
                done = apply_actions(tenant=tenant, ticket=ticket, actions=actions, via=via)
                outcome, detail = "applied", " ".join(done)
        except (ValidationError, PermissionDenied) as exc:
            # A rule that cannot apply (e.g. a status change not allowed now) is recorded, not retried.
            outcome, detail = "failed", "; ".join(getattr(exc, "messages", [str(exc)]))
        RuleRun.objects.create(
            tenant=tenant, kind=RuleRun.Kind.TRIGGER, rule_id=trigger.id, ticket=ticket, event_id=event.id,
            outcome=outcome, detail=detail[:2000],
        )  # fmt: skip
        if outcome == "applied":
            applied.append(trigger.id)
    return applied
