"""SLA reads: calendars, policies in order, a ticket's clocks, tenants with due clocks."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from sla.models import BusinessCalendar, SlaClock, SlaPolicy
from tenancy.models import Tenant
from tickets.models import Ticket


def calendar_list(*, tenant: Tenant) -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.filter(tenant=tenant).order_by("name", "id")


def calendar_get(*, tenant: Tenant, calendar_id: int) -> BusinessCalendar | None:
    return calendar_list(tenant=tenant).filter(id=calendar_id).first()


def default_calendar(*, tenant_id: int) -> BusinessCalendar | None:
    return BusinessCalendar.objects.filter(tenant_id=tenant_id, is_default=True).first()


def policy_list(*, tenant: Tenant) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.filter(tenant=tenant).select_related("calendar").order_by("position", "id")


def policy_get(*, tenant: Tenant, policy_id: int) -> SlaPolicy | None:
    return policy_list(tenant=tenant).filter(id=policy_id).first()


def ticket_clocks(*, tenant: Tenant, ticket: Ticket) -> list[SlaClock]:
    return list(
        SlaClock.objects.filter(tenant=tenant, ticket=ticket)
        .select_related("policy", "calendar")
        .order_by("id")
    )


def due_tenant_ids(*, now: dt.datetime, limit: int = 1000) -> list[int]:
    """Tenants with a warning or breach due: ids only, through a SECURITY DEFINER function
    that reads the platform partial indexes (so the sweep never scans every ticket)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id FROM sla_due_tenants(%s, %s)", [now, limit])
        return [row[0] for row in cursor.fetchall()]
