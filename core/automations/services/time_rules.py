"""Time-based rules: tickets some hours past an instant (created, updated, solved, status change).

Each rule fires once per ticket and anchor instant (a RuleRun row with a unique key), so a
reminder on a pending ticket is sent once per pending spell, and closing solved tickets
after four days happens once. Candidates come from the (tenant, status, updated_at) index.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from pydantic import ValidationError as PydanticValidationError

from automations.models import RuleRun, TimeRule
from automations.schemas import Actions, Conditions, TimeCondition
from automations.services.engine import apply_actions, conditions_hold, facts_for
from tenancy.models import Tenant
from tickets.models import Ticket, TicketChange

BATCH = 500
logger = logging.getLogger(__name__)


def _candidates(tenant: Tenant, rule: TimeRule, timing: TimeCondition, now: dt.datetime) -> list[Ticket]:
    cutoff = now - dt.timedelta(hours=timing.hours)
    qs = Ticket.objects.filter(tenant=tenant, status__in=timing.status)
    if timing.since == "status_changed":
        last_change = (
            TicketChange.objects.filter(tenant=tenant, ticket=OuterRef("pk"), field="status")
            .order_by("-id")
            .values("created_at")[:1]
        )
        qs = qs.annotate(
            anchor=Coalesce(Subquery(last_change, output_field=DateTimeField()), F("created_at"))
        )
    else:
        qs = qs.annotate(anchor=F(f"{timing.since}_at"))
    done = RuleRun.objects.filter(
        tenant=tenant,
        kind=RuleRun.Kind.TIME_RULE,
        rule_id=rule.id,
        ticket=OuterRef("pk"),
        anchor=OuterRef("anchor"),
    )
    return list(qs.filter(anchor__lte=cutoff).exclude(Exists(done)).order_by("anchor", "id")[:BATCH])


def run_time_rules(*, tenant: Tenant, now: dt.datetime) -> int:
    """Apply every enabled time rule of the tenant once to each ticket that is due; returns runs."""
    runs = 0
    for rule in TimeRule.objects.filter(tenant=tenant, enabled=True).order_by("position", "id"):
        try:  # rows edited outside the API may not parse; such a rule is skipped, loudly
            timing = TimeCondition.model_validate(rule.timing)
            conditions = Conditions.model_validate(rule.conditions)
            actions = Actions.model_validate({"actions": rule.actions}).actions
        except PydanticValidationError:
            logger.exception("time rule %s is invalid; skipped", rule.id)
            continue
        for ticket in _candidates(tenant, rule, timing, now):
            anchor = ticket.anchor  # type: ignore[attr-defined]
            if not conditions_hold(tenant, conditions, facts_for(tenant=tenant, ticket=ticket, at=now)):
                continue
            try:
                with transaction.atomic():
                    RuleRun.objects.create(
                        tenant=tenant,
                        kind=RuleRun.Kind.TIME_RULE,
                        rule_id=rule.id,
                        ticket=ticket,
                        anchor=anchor,
                    )
                    outcome = " ".join(
                        apply_actions(
                            tenant=tenant, ticket=ticket, actions=actions, via=f"time_rule:{rule.id}"
                        )
                    )
            except IntegrityError:
                continue  # another worker handled it
            except (ValidationError, PermissionDenied) as exc:
                outcome = "failed: " + "; ".join(getattr(exc, "messages", [str(exc)]))
                RuleRun.objects.create(
                    tenant=tenant, kind=RuleRun.Kind.TIME_RULE, rule_id=rule.id, ticket=ticket, anchor=anchor,
                    outcome="failed", detail=outcome[:2000],
                )  # fmt: skip
            runs += 1
    return runs
