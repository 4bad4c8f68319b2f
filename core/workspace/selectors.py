"""Reads for the workspace: a member's saved views, and tickets whose SLA is at risk."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q, QuerySet

from sla.models import SlaClock
from tenancy.models import Membership, Tenant
from tickets.models import StatusCategory, Ticket
from tickets.selectors.tickets import attach_related
from workspace.models import SavedView

MAX_AT_RISK = 100


def saved_view_list(*, tenant: Tenant, owner: Membership) -> QuerySet[SavedView]:
    return SavedView.objects.filter(tenant=tenant, owner=owner).order_by("position", "id")


def saved_view_get(*, tenant: Tenant, owner: Membership, view_id: int) -> SavedView | None:
    """Only the owner's own view: someone else's (or another tenant's) is None, i.e. 404."""
    return saved_view_list(tenant=tenant, owner=owner).filter(id=view_id).first()


def tickets_at_risk(
    *, tenant: Tenant, now: dt.datetime, within: dt.timedelta, limit: int = 50
) -> list[Ticket]:
    """Open tickets with a running SLA clock that is breached, past its warning threshold or
    due within `within`, soonest due first; each ticket carries `sla_due_at` (its earliest
    running due time). The warning threshold counts because a clock reading "warning" is at
    risk even when business hours put its due time beyond the window (30 business minutes
    left at closing time are due tomorrow morning)."""
    limit = max(1, min(limit, MAX_AT_RISK))
    due = (
        SlaClock.objects.filter(tenant=tenant, running_since__isnull=False, due_at__isnull=False)
        .filter(Q(due_at__lte=now + within) | Q(warn_at__lte=now) | Q(breached_at__isnull=False))
        .exclude(ticket__status__in=[StatusCategory.SOLVED, StatusCategory.CLOSED])
        .values("ticket_id")
        .annotate(first_due=Min("due_at"))
        .order_by("first_due", "ticket_id")[:limit]
    )
    first_due = {row["ticket_id"]: row["first_due"] for row in due}
    tickets = list(Ticket.objects.filter(tenant=tenant, id__in=first_due))
    attach_related(tenant=tenant, tickets=tickets)
    for ticket in tickets:
        ticket.sla_due_at = first_due[ticket.id]  # type: ignore[attr-defined]
    return sorted(tickets, key=lambda t: (t.sla_due_at, t.id))  # type: ignore[attr-defined]
