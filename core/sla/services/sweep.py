"""The SLA sweep: fire `sla.warning` and `sla.breached` for clocks whose instant has come.

Each tenant is visited only if the platform index says something is due, and inside it
only due rows are read, through the partial (tenant_id, warn_at / due_at) indexes. Per
tenant, one statement (`UPDATE ... RETURNING` over the due rows, locked with SKIP LOCKED,
joined to their tickets) stamps a batch, and its events go into the outbox in one INSERT
per kind, in the same transaction: two sweeps running at once still fire each event
exactly once, and a busy minute costs a few statements per tenant, not a few per event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, transaction

from contracts.events import Visibility
from events.services import event_record_many
from sla.selectors import due_tenant_ids
from sla.services.clocks import SLA_ACTOR, sla_event_fields
from tenancy.context import tenant_context
from tickets.models import Ticket
from tickets.services.common import ticket_event_data

INTERNAL = Visibility.INTERNAL
BATCH = 500
TENANTS_PER_COMMIT = 50

# One statement per tenant stamps both kinds and returns what their events carry. Breaches:
# breached_at is when it was missed (due_at), not when we noticed; a warning not yet sent is
# moot once breached, so it is stamped too and never sent late. The two sets are disjoint
# (a warning needs due_at still ahead), so no row is updated twice in the statement.
_FIRE_SQL = """
WITH due_b AS (
    SELECT id FROM sla_slaclock
    WHERE tenant_id = %(tenant)s AND running_since IS NOT NULL AND breached_at IS NULL
      AND due_at <= %(now)s
    ORDER BY due_at LIMIT %(batch)s FOR UPDATE SKIP LOCKED
), due_w AS (
    SELECT id FROM sla_slaclock
    WHERE tenant_id = %(tenant)s AND running_since IS NOT NULL AND warning_sent_at IS NULL
      AND warn_at <= %(now)s AND due_at > %(now)s
    ORDER BY warn_at LIMIT %(batch)s FOR UPDATE SKIP LOCKED
), b AS (
    UPDATE sla_slaclock AS c
    SET breached_at = COALESCE(c.due_at, %(now)s), warning_sent_at = COALESCE(c.warning_sent_at, %(now)s)
    FROM due_b, tickets_ticket t
    WHERE c.tenant_id = %(tenant)s AND c.id = due_b.id AND t.tenant_id = c.tenant_id AND t.id = c.ticket_id
    RETURNING 'sla.breached' AS kind, c.metric, c.due_at, c.policy_id, c.target_minutes,
        t.id, t.number, t.status, t.subject, t.requester_id, t.assignee_id, t.team_id,
        ARRAY(SELECT f.membership_id FROM tickets_ticketfollower f
              WHERE f.tenant_id = c.tenant_id AND f.ticket_id = c.ticket_id ORDER BY f.membership_id)
), w AS (
    UPDATE sla_slaclock AS c SET warning_sent_at = %(now)s
    FROM due_w, tickets_ticket t
    WHERE c.tenant_id = %(tenant)s AND c.id = due_w.id AND t.tenant_id = c.tenant_id AND t.id = c.ticket_id
    RETURNING 'sla.warning' AS kind, c.metric, c.due_at, c.policy_id, c.target_minutes,
        t.id, t.number, t.status, t.subject, t.requester_id, t.assignee_id, t.team_id,
        ARRAY(SELECT f.membership_id FROM tickets_ticketfollower f
              WHERE f.tenant_id = c.tenant_id AND f.ticket_id = c.ticket_id ORDER BY f.membership_id)
)
SELECT * FROM b UNION ALL SELECT * FROM w
"""


def _fire(tenant_id: int, now: dt.datetime, batch: int) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(_FIRE_SQL, {"tenant": tenant_id, "now": now, "batch": batch})
        stamped: list[tuple[Any, ...]] = cursor.fetchall()
    by_kind: dict[str, list[tuple[int | None, dict[str, Any]]]] = defaultdict(list)
    for kind, metric, due_at, policy_id, target, *ticket_row in stamped:  # one row per clock
        ticket_id, number, status, subject, requester_id, assignee_id, team_id, followers = ticket_row
        ticket = Ticket(
            id=ticket_id,
            tenant_id=tenant_id,
            number=number,
            status=status,
            subject=subject,
            requester_id=requester_id,
            assignee_id=assignee_id,
            team_id=team_id,
        )
        data = ticket_event_data(
            ticket,
            follower_ids=sorted(followers),
            **sla_event_fields(metric=metric, due_at=due_at, policy_id=policy_id, target_minutes=target),
        )
        by_kind[kind].append((ticket_id, data))
    for kind, items in by_kind.items():
        event_record_many(tenant_id=tenant_id, type=kind, items=items, actor=SLA_ACTOR, visibility=INTERNAL)
    return len(by_kind["sla.warning"]), len(by_kind["sla.breached"])


def sla_fire_due_for_tenant(*, tenant_id: int, now: dt.datetime, batch: int = BATCH) -> tuple[int, int]:
    with tenant_context(tenant_id):
        return _fire(tenant_id, now, batch)


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
