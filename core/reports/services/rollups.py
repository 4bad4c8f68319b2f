"""Rollup writes: refresh one ticket's contribution (events), catch up on changed tickets (schedule)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from csat.models import CsatSurvey
from reports.buckets import BUCKETS
from reports.clocks import tenant_clocks
from reports.contributions import (
    COUNTERS,
    HISTOGRAMS,
    Cell,
    CellKey,
    TicketFacts,
    cells_from_snapshot,
    difference,
    snapshot,
    ticket_cells,
)
from reports.models import DailyRollup, RefreshWatermark, TicketContribution
from sla.models import SlaClock
from tenancy.models import STAFF_ROLES, Tenant
from tickets.models import CustomFieldDefinition, CustomStatus, Message, StatusCategory, Ticket, TicketChange
from tickets.models.fields import FieldType

SLICED_FIELD_TYPES = (FieldType.DROPDOWN, FieldType.MULTISELECT, FieldType.CHECKBOX)
# History the metrics read: status moves, and the fields AI triage may apply.
HISTORY_FIELDS = ("status", "category", "priority")

# Tickets changed this long before the watermark are looked at again: a transaction that
# committed late may carry an updated_at older than the last catch-up.
CATCH_UP_OVERLAP = dt.timedelta(minutes=10)
CATCH_UP_BATCH = 2000


def _category_map(tenant_id: int) -> dict[str, str]:
    mapping = {value: value for value in StatusCategory.values}
    mapping.update(dict(CustomStatus.objects.filter(tenant_id=tenant_id).values_list("key", "category")))
    return mapping


def _sliced_fields(tenant_id: int) -> set[str]:
    """Custom fields with a bounded set of values (dropdown, multiselect, checkbox) get slices."""
    return set(
        CustomFieldDefinition.objects.filter(
            tenant_id=tenant_id, field_type__in=SLICED_FIELD_TYPES
        ).values_list("key", flat=True)
    )


def field_values(custom: dict[str, Any], keys: set[str]) -> list[str]:
    out = []
    for key in sorted(keys & custom.keys()):
        value = custom[key]
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item != "":
                out.append(f"{key}={str(item).lower() if isinstance(item, bool) else item}"[:100])
    return out


def ticket_facts_many(*, tenant_id: int, ticket_ids: list[int]) -> dict[int, TicketFacts]:
    """The facts the metrics need, for many tickets in a handful of queries."""
    categories = _category_map(tenant_id)
    keys = _sliced_fields(tenant_id)
    facts: dict[int, TicketFacts] = {}
    for t in Ticket.objects.filter(tenant_id=tenant_id, id__in=ticket_ids).only(
        "id", "created_at", "status", "team_id", "assignee_id", "channel", "category", "priority",
        "first_response_at", "solved_at", "tags", "custom_fields",
    ):  # fmt: skip
        facts[t.id] = TicketFacts(
            created_at=t.created_at, status=t.status, team_id=t.team_id, assignee_id=t.assignee_id,
            channel=t.channel, category=t.category, priority=t.priority,
            first_response_at=t.first_response_at, solved_at=t.solved_at,
            tags=list(t.tags or []), fields=field_values(t.custom_fields or {}, keys),
        )  # fmt: skip
    changes = (
        TicketChange.objects.filter(tenant_id=tenant_id, ticket_id__in=ticket_ids, field__in=HISTORY_FIELDS)
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "created_at", "field", "via", "old", "new")
    )
    ai_open: dict[tuple[int, str], list[Any]] = {}
    for ticket_id, when, name, via, old, new in changes:
        if ticket_id not in facts:
            continue
        if name == "status":
            facts[ticket_id].transitions.append(
                (when, categories.get(str(old), str(old)), categories.get(str(new), str(new)))
            )
        elif via == "ai":
            ai_open[(ticket_id, name)] = [when, new, False]
        elif (ticket_id, name) in ai_open and new != ai_open[(ticket_id, name)][1]:
            ai_open[(ticket_id, name)][2] = True
    for (ticket_id, _name), (when, _value, changed) in sorted(ai_open.items()):
        facts[ticket_id].ai.append((when, changed))
    for ticket_id, metric, achieved_at, breached_at in SlaClock.objects.filter(
        tenant_id=tenant_id, ticket_id__in=ticket_ids
    ).values_list("ticket_id", "metric", "achieved_at", "breached_at"):
        if ticket_id in facts:
            facts[ticket_id].sla.append((metric, achieved_at, breached_at))
    for ticket_id, requested_at, rated_at, rating in CsatSurvey.objects.filter(
        tenant_id=tenant_id, ticket_id__in=ticket_ids
    ).values_list("ticket_id", "requested_at", "rated_at", "rating"):
        if ticket_id in facts:
            facts[ticket_id].csat = (requested_at, rated_at, rating)
    for ticket_id, count in _reply_counts(tenant_id, ticket_ids).items():
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


def at_grains(delta: dict[CellKey, Cell]) -> dict[tuple[str, str, str, str], Cell]:
    """Each day's cell added to its day, its week (from Monday) and its month."""
    out: dict[tuple[str, str, str, str], Cell] = defaultdict(lambda: defaultdict(int))
    for (day, dimension, value), cell in delta.items():
        d = dt.date.fromisoformat(day)
        for grain, start in (("d", d), ("w", d - dt.timedelta(days=d.weekday())), ("m", d.replace(day=1))):
            target = out[(dimension, value, grain, start.isoformat())]
            for name, n in cell.items():
                target[name] += n
    return out


def _apply(tenant_id: int, delta: dict[CellKey, Cell]) -> None:
    """Add `delta` to the rollup rows in one upsert (sorted, so concurrent refreshes lock
    rows in the same order and cannot deadlock each other)."""
    if not delta:
        return
    params: list[Any] = []
    rows = []
    for (dimension, value, grain, day), cell in sorted(at_grains(delta).items()):
        hists = {h: [0] * BUCKETS for h in HISTOGRAMS}
        for name, n in cell.items():
            if ":" in name:
                hist, bucket = name.split(":")
                hists[hist][int(bucket)] += n
        n_values = len(COUNTERS) + len(HISTOGRAMS)
        rows.append("(%s, %s::date, %s, %s, %s, " + ", ".join(["%s"] * n_values) + ")")
        params += [tenant_id, day, grain, dimension, value, *(cell.get(c, 0) for c in COUNTERS)]
        params += [_trimmed(h) for h in hists.values()]
    columns = ", ".join([*COUNTERS, *(f"{h}_hist" for h in HISTOGRAMS)])
    updates = ", ".join(
        [f"{c} = r.{c} + EXCLUDED.{c}" for c in COUNTERS]
        + [f"{h}_hist = reports_hist_add(r.{h}_hist, EXCLUDED.{h}_hist)" for h in HISTOGRAMS]
    )
    # Only fixed column names are formatted in; every value is a parameter.
    sql = (
        "INSERT INTO reports_dailyrollup AS r "  # noqa: S608  # nosec B608
        f"(tenant_id, day, grain, dimension, value, {columns}) "
        f"VALUES {', '.join(rows)} "
        f"ON CONFLICT (tenant_id, dimension, value, grain, day) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _trimmed(hist: list[int]) -> list[int] | None:
    """Without trailing zeros (reports_hist_add pads the shorter one); None when empty."""
    end = len(hist)
    while end and not hist[end - 1]:
        end -= 1
    return hist[:end] or None


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
    clocks = tenant_clocks(tenant_id)
    total: dict[CellKey, Cell] = defaultdict(lambda: defaultdict(int))
    changed: list[TicketContribution] = []
    for ticket_id, contribution in stored.items():
        ticket = facts.get(ticket_id)
        new_cells = ticket_cells(ticket, clocks) if ticket else {}
        delta = difference(new_cells, cells_from_snapshot(contribution.cells))
        if not delta:
            continue
        for key, cell in delta.items():
            for name, n in cell.items():
                total[key][name] += n
        contribution.cells = snapshot(ticket, clocks) if ticket else {}
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
    changed_ids = set(qs.order_by().values_list("id", flat=True))
    if since is not None:
        # SLA clocks and CSAT ratings change without touching the ticket row.
        changed_ids |= set(
            SlaClock.objects.filter(tenant=tenant)
            .filter(Q(achieved_at__gte=since) | Q(breached_at__gte=since))
            .values_list("ticket_id", flat=True)
        )
        changed_ids |= set(
            CsatSurvey.objects.filter(tenant=tenant)
            .filter(Q(requested_at__gte=since) | Q(rated_at__gte=since))
            .values_list("ticket_id", flat=True)
        )
    ids = sorted(changed_ids)
    changed = 0
    for i in range(0, len(ids), CATCH_UP_BATCH):
        changed += _refresh_locked(tenant.id, ids[i : i + CATCH_UP_BATCH])
    RefreshWatermark.objects.update_or_create(tenant=tenant, defaults={"refreshed_until": now})
    return changed


@transaction.atomic
def rollups_rebuild(*, tenant: Tenant) -> int:
    """Forget the tenant's rollups and count every ticket again (after a change of time zone
    or business calendar, which move past days and durations)."""
    DailyRollup.objects.filter(tenant=tenant).delete()
    TicketContribution.objects.filter(tenant=tenant).delete()
    RefreshWatermark.objects.filter(tenant=tenant).delete()
    return rollups_catch_up(tenant=tenant)
