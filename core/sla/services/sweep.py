"""The SLA sweep: fire `sla.warning` and `sla.breached` for clocks whose instant has come.

Each tenant is visited only if the platform index says something is due, and inside it
only due rows are read, through the partial (tenant_id, warn_at / due_at) indexes. A
row is locked (SKIP LOCKED), stamped and its event recorded in one transaction, so two
sweeps running at once still fire each event exactly once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sla.models import SlaClock
from sla.selectors import due_tenant_ids
from sla.services.clocks import emit_sla_event
from tenancy.context import tenant_context

BATCH = 500
TENANTS_PER_COMMIT = 50


def _fire_warnings(tenant_id: int, now: dt.datetime, batch: int) -> int:
    clocks = list(
        SlaClock.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            tenant_id=tenant_id, running_since__isnull=False, warning_sent_at__isnull=True, warn_at__lte=now
        )
        .select_related("ticket")
        .order_by("warn_at")[:batch]
    )
    for clock in clocks:
        clock.warning_sent_at = now
        clock.save(update_fields=["warning_sent_at"])
        emit_sla_event(ticket=clock.ticket, clock=clock, type="sla.warning")
    return len(clocks)


def _fire_breaches(tenant_id: int, now: dt.datetime, batch: int) -> int:
    clocks = list(
        SlaClock.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(tenant_id=tenant_id, running_since__isnull=False, breached_at__isnull=True, due_at__lte=now)
        .select_related("ticket")
        .order_by("due_at")[:batch]
    )
    for clock in clocks:
        clock.breached_at = clock.due_at or now  # when it was missed, not when we noticed
        # A warning not yet sent is moot once breached; it is not sent late.
        clock.warning_sent_at = clock.warning_sent_at or now
        clock.save(update_fields=["breached_at", "warning_sent_at"])
        emit_sla_event(ticket=clock.ticket, clock=clock, type="sla.breached")
    return len(clocks)


def sla_fire_due_for_tenant(*, tenant_id: int, now: dt.datetime, batch: int = BATCH) -> tuple[int, int]:
    with tenant_context(tenant_id):
        # Breaches first: a clock both warned and breached in one pass gets only the breach.
        breached = _fire_breaches(tenant_id, now, batch)
        warned = _fire_warnings(tenant_id, now, batch)
    return warned, breached


def sla_fire_due(*, now: dt.datetime, batch: int = BATCH) -> tuple[int, int]:
    """Warnings and breaches fired across all tenants: (warned, breached)."""
    warned = breached = 0
    tenant_ids = due_tenant_ids(now=now)
    # Tenants in chunks, one commit per chunk (each tenant a savepoint with its own context):
    # a commit costs a disk flush and a relay kick, and a busy minute touches many tenants.
    for start in range(0, len(tenant_ids), TENANTS_PER_COMMIT):
        with transaction.atomic():
            for tenant_id in tenant_ids[start : start + TENANTS_PER_COMMIT]:
                w, b = sla_fire_due_for_tenant(tenant_id=tenant_id, now=now, batch=batch)
                warned, breached = warned + w, breached + b
    return warned, breached
