"""Automation reads: triggers and time rules in order, macros a member may use, rule runs."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from automations.models import Delivery, Macro, RuleRun, TimeRule, Trigger
from tenancy.models import Membership, Tenant
from tickets.models import Ticket


def trigger_list(*, tenant: Tenant) -> QuerySet[Trigger]:
    return Trigger.objects.filter(tenant=tenant).order_by("position", "id")


def trigger_get(*, tenant: Tenant, trigger_id: int) -> Trigger | None:
    return trigger_list(tenant=tenant).filter(id=trigger_id).first()


def time_rule_list(*, tenant: Tenant) -> QuerySet[TimeRule]:
    return TimeRule.objects.filter(tenant=tenant).order_by("position", "id")


def time_rule_get(*, tenant: Tenant, rule_id: int) -> TimeRule | None:
    return time_rule_list(tenant=tenant).filter(id=rule_id).first()


def macro_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[Macro]:
    """Shared macros and the viewer's own personal ones."""
    return Macro.objects.filter(Q(owner__isnull=True) | Q(owner=viewer), tenant=tenant).order_by("name", "id")


def macro_get(*, tenant: Tenant, viewer: Membership, macro_id: int) -> Macro | None:
    return macro_list(tenant=tenant, viewer=viewer).filter(id=macro_id).first()


def rule_runs(*, tenant: Tenant, ticket: Ticket) -> QuerySet[RuleRun]:
    return RuleRun.objects.filter(tenant=tenant, ticket=ticket).order_by("id")


def deliveries_for(*, tenant: Tenant, ticket: Ticket) -> QuerySet[Delivery]:
    return Delivery.objects.filter(tenant=tenant, ticket=ticket).order_by("id")
