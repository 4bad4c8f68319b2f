"""The SLA sweep: fire `sla.warning` and `sla.breached` for clocks whose instant has come.

Each tenant is visited only if the platform index says something is due, and inside it
only due rows are read, through the partial (tenant_id, warn_at / due_at) indexes. Per
tenant and kind, one `UPDATE ... RETURNING` over the due rows (locked with SKIP LOCKED)
stamps a batch, and its events go into the outbox in one INSERT, in the same
transaction: two sweeps running at once still fire each event exactly once, and a
busy minute costs a few statements per tenant instead of a few per breach.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, transaction

from contracts.events import Visibility
from events.services import event_record_many
from sla.models import SlaClock
from sla.selectors import due_tenant_ids
from sla.services.clocks import SLA_ACTOR, sla_event_data
from tenancy.context import tenant_context
from tickets.models import Ticket, TicketFollower

BATCH = 500
TENANTS_PER_COMMIT = 50

_TABLE = SlaClock._meta.db_table
# Breaches: breached_at is when it was missed (due_at), not when we noticed; a warning not
# yet sent is moot once breached, so it is stamped too and never sent late.
_BREACH_SQL = f"""
WITH due AS (
    SELECT id FROM {_TABLE}
    WHERE tenant_id = %(tenant)s AND running_since IS NOT NULL AND breached_at IS NULL
      AND due_at <= %(now)s
    ORDER BY due_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {_TABLE} AS c
SET breached_at = COALESCE(c.due_at, %(now)s), warning_sent_at = COALESCE(c.warning_sent_at, %(now)s)
FROM due WHERE c.tenant_id = %(tenant)s AND c.id = due.id
RETURNING c.ticket_id, c.metric, c.due_at, c.policy_id, c.target_minutes
"""  # noqa: S608 - the table name is ours, every value is a parameter
_WARN_SQL = f"""
WITH due AS (
    SELECT id FROM {_TABLE}
    WHERE tenant_id = %(tenant)s AND running_since IS NOT NULL AND warning_sent_at IS NULL
      AND warn_at <= %(now)s
    ORDER BY warn_at LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {_TABLE} AS c SET warning_sent_at = %(now)s
FROM due WHERE c.tenant_id = %(tenant)s AND c.id = due.id
RETURNING c.ticket_id, c.metric, c.due_at, c.policy_id, c.target_minutes
"""  # noqa: S608 - the table name is ours, every value is a parameter


def _tickets(tenant_id: int, ids: set[int]) -> dict[int, Ticket]:
    """The tickets of a batch with their followers, in two queries (the events carry both)."""
    tickets = {t.id: t for t in Ticket.objects.filter(tenant_id=tenant_id, id__in=ids)}
    followers: dict[int, list[int]] = defaultdict(list)
    rows = TicketFollower.objects.filter(tenant_id=tenant_id, ticket_id__in=ids).values_list(
        "ticket_id", "membership_id"
    )
    for ticket_id, membership_id in rows:
        followers[ticket_id].append(membership_id)
    for ticket in tickets.values():
        ticket._event_follower_ids = sorted(followers[ticket.id])  # type: ignore[attr-defined]
    return tickets


def _fire(tenant_id: int, now: dt.datetime, batch: int, sql: str, event_type: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tenant": tenant_id, "now": now, "batch": batch})
        stamped: list[tuple[Any, ...]] = cursor.fetchall()
    if not stamped:
        return 0
    tickets = _tickets(tenant_id, {row[0] for row in stamped})
    event_record_many(
        tenant_id=tenant_id,
        type=event_type,
        items=[
            (
                ticket_id,
                sla_event_data(
                    ticket=tickets[ticket_id],
                    metric=metric,
                    due_at=due_at,
                    policy_id=policy_id,
                    target_minutes=target_minutes,
                ),
            )
            for ticket_id, metric, due_at, policy_id, target_minutes in stamped
        ],
        actor=SLA_ACTOR,
        visibility=Visibility.INTERNAL,
    )
    return len(stamped)


def sla_fire_due_for_tenant(*, tenant_id: int, now: dt.datetime, batch: int = BATCH) -> tuple[int, int]:
    with tenant_context(tenant_id):
        # Breaches first: a clock both warned and breached in one pass gets only the breach.
        breached = _fire(tenant_id, now, batch, _BREACH_SQL, "sla.breached")
        warned = _fire(tenant_id, now, batch, _WARN_SQL, "sla.warning")
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
