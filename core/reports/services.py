"""Rollup writes: refresh one ticket's contribution (events), catch up on changed tickets (schedule)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from reports.buckets import BUCKETS
from reports.contributions import (
    COUNTERS,
    Cell,
    CellKey,
    TicketFacts,
    cells_from_snapshot,
    difference,
    snapshot,
    ticket_cells,
)
from reports.models import RefreshWatermark, TicketContribution
from tenancy.models import STAFF_ROLES, Tenant
from tickets.models import CustomStatus, Message, StatusCategory, Ticket, TicketChange

# Tickets changed this long before the watermark are looked at again: a transaction that
# committed late may carry an updated_at older than the last catch-up.
CATCH_UP_OVERLAP = dt.timedelta(minutes=10)
CATCH_UP_BATCH = 2000


def _category_map(tenant_id: int) -> dict[str, str]:
    mapping = {value: value for value in StatusCategory.values}
    mapping.update(dict(CustomStatus.objects.filter(tenant_id=tenant_id).values_list("key", "category")))
    return mapping


def ticket_facts_many(*, tenant_id: int, ticket_ids: list[int]) -> dict[int, TicketFacts]:
    """The facts the metrics need, for many tickets in three queries."""
    categories = _category_map(tenant_id)
    facts: dict[int, TicketFacts] = {}
    for t in Ticket.objects.filter(tenant_id=tenant_id, id__in=ticket_ids).only(
        "id", "created_at", "status", "team_id", "assignee_id", "channel", "category", "priority",
        "first_response_at", "solved_at",
    ):  # fmt: skip
        facts[t.id] = TicketFacts(
            created_at=t.created_at, status=t.status, team_id=t.team_id, assignee_id=t.assignee_id,
            channel=t.channel, category=t.category, priority=t.priority,
            first_response_at=t.first_response_at, solved_at=t.solved_at,
        )  # fmt: skip
    changes = (
        TicketChange.objects.filter(tenant_id=tenant_id, ticket_id__in=ticket_ids, field="status")
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "created_at", "old", "new")
    )
    for ticket_id, when, old, new in changes:
        if ticket_id in facts:
            facts[ticket_id].transitions.append(
                (when, categories.get(str(old), str(old)), categories.get(str(new), str(new)))
            )
    replies = _reply_counts(tenant_id, ticket_ids)
    for ticket_id, count in replies.items():
        if ticket_id in facts:
            facts[ticket_id].replies = count
    return facts


def _reply_counts(tenant_id: int, ticket_ids: list[int]) -> dict[int, int]:
    rows = (
        Message.objects.filter(
            tenant_id=tenant_id, ticket_id__in=ticket_ids, is_internal=False, author__role__in=STAFF_ROLES
        )
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    return dict(rows)


def _apply(tenant_id: int, delta: dict[CellKey, Cell]) -> None:
    """Add `delta` to the rollup rows in one upsert (sorted, so concurrent refreshes lock
    rows in the same order and cannot deadlock each other)."""
    if not delta:
        return
    params: list[Any] = []
    rows = []
    for (day, dimension, value), cell in sorted(delta.items()):
        frt, res = [0] * BUCKETS, [0] * BUCKETS
        for name, n in cell.items():
            if name.startswith("frt_b:"):
                frt[int(name[6:])] += n
            elif name.startswith("res_b:"):
                res[int(name[6:])] += n
        rows.append("(%s, %s::date, %s, %s, " + ", ".join(["%s"] * len(COUNTERS)) + ", %s, %s)")
        params += [tenant_id, day, dimension, value, *(cell.get(c, 0) for c in COUNTERS)]
        params += [frt if any(frt) else None, res if any(res) else None]
    columns = ", ".join(COUNTERS)
    updates = ", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in COUNTERS)
    # Only fixed column names are formatted in; every value is a parameter.
    sql = (
        "INSERT INTO reports_dailyrollup AS r "  # noqa: S608
        f"(tenant_id, day, dimension, value, {columns}, frt_hist, res_hist) "
        f"VALUES {', '.join(rows)} "
        f"ON CONFLICT (tenant_id, dimension, value, day) DO UPDATE SET {updates}, "
        "frt_hist = reports_hist_add(r.frt_hist, EXCLUDED.frt_hist), "
        "res_hist = reports_hist_add(r.res_hist, EXCLUDED.res_hist)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refresh_locked(tenant_id: int, ticket_ids: list[int]) -> int:
    """Recompute the tickets' contributions and apply the differences; returns tickets changed."""
    if not ticket_ids:
        return 0
    ticket_ids = sorted(set(ticket_ids))
    with connection.cursor() as cursor:
        # One contribution row per ticket, locked: two refreshes of a ticket run one after
        # the other and the second sees what the first applied.
        cursor.execute(
            "INSERT INTO reports_ticketcontribution (tenant_id, ticket_id, cells, computed_at) "
            "SELECT %s, unnest(%s::bigint[]), '{}'::jsonb, now() "
            "ON CONFLICT (tenant_id, ticket_id) DO NOTHING",
            [tenant_id, ticket_ids],
        )
    stored = {
        c.ticket_id: c
        for c in TicketContribution.objects.select_for_update()
        .filter(tenant_id=tenant_id, ticket_id__in=ticket_ids)
        .order_by("ticket_id")
    }
    facts = ticket_facts_many(tenant_id=tenant_id, ticket_ids=ticket_ids)
    total: dict[CellKey, Cell] = defaultdict(lambda: defaultdict(int))
    changed: list[TicketContribution] = []
    for ticket_id, contribution in stored.items():
        ticket = facts.get(ticket_id)
        new_cells = ticket_cells(ticket) if ticket else {}
        delta = difference(new_cells, cells_from_snapshot(contribution.cells))
        if not delta:
            continue
        for key, cell in delta.items():
            for name, n in cell.items():
                total[key][name] += n
        contribution.cells = snapshot(ticket) if ticket else {}
        changed.append(contribution)
    _apply(tenant_id, {k: dict(v) for k, v in total.items()})
    TicketContribution.objects.bulk_update(changed, ["cells", "computed_at"])
    return len(changed)


@transaction.atomic
def rollups_refresh_tickets(*, tenant: Tenant, ticket_ids: list[int]) -> int:
    """Bring the rollups in line with these tickets as they are now (idempotent)."""
    return _refresh_locked(tenant.id, ticket_ids)


@transaction.atomic
def rollups_catch_up(*, tenant: Tenant, now: dt.datetime | None = None) -> int:
    """Refresh every ticket changed since the last catch-up: late changes the events missed."""
    now = now or timezone.now()
    mark = RefreshWatermark.objects.select_for_update().filter(tenant=tenant).first()
    since = (mark.refreshed_until - CATCH_UP_OVERLAP) if mark else None
    qs = Ticket.objects.filter(tenant=tenant, updated_at__lte=now)
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    ids = list(qs.order_by().values_list("id", flat=True))
    changed = 0
    for i in range(0, len(ids), CATCH_UP_BATCH):
        changed += _refresh_locked(tenant.id, ids[i : i + CATCH_UP_BATCH])
    RefreshWatermark.objects.update_or_create(tenant=tenant, defaults={"refreshed_until": now})
    return changed
