"""Rollup reads: a metric series by day/week/month in one slice, and totals broken down by a dimension."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection

from reports.buckets import merge, percentile
from reports.models import DIMENSIONS, NONE_VALUE
from tenancy.models import Membership, Team, Tenant

GROUPS = ("day", "week", "month")
MAX_DAYS = 3 * 366
SUMS = "sum(created), sum(solved), sum(reopened), sum(frt_count), sum(frt_sum), sum(res_count), sum(res_sum), sum(replies_sum), reports_hist_sum(frt_hist), reports_hist_sum(res_hist)"  # noqa: E501


@dataclass(frozen=True)
class ReportQuery:
    start: dt.date
    end: dt.date  # inclusive
    group: str = "day"
    dimension: str = "all"
    value: str = ""

    def check(self) -> None:
        if self.group not in GROUPS:
            raise ValidationError({"group": f"Use one of {', '.join(GROUPS)}."})
        if self.end < self.start:
            raise ValidationError({"end": "The end is before the start."})
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValidationError({"end": f"At most {MAX_DAYS} days per report."})
        if self.dimension not in DIMENSIONS:
            raise ValidationError({"dimension": f"Use one of {', '.join(DIMENSIONS)}."})


def period_start(day: dt.date, group: str) -> dt.date:
    if group == "week":
        return day - dt.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def next_period(start: dt.date, group: str) -> dt.date:
    if group == "week":
        return start + dt.timedelta(days=7)
    if group == "month":
        return (start + dt.timedelta(days=32)).replace(day=1)
    return start + dt.timedelta(days=1)


def filter_value_exists(*, tenant: Tenant, dimension: str, value: str) -> bool:
    """Team and assignee filters name objects: another tenant's id is as unknown as a missing one."""
    if value == NONE_VALUE or dimension not in ("team", "assignee"):
        return True
    if not value.isdigit():
        return False
    model = Team if dimension == "team" else Membership
    return model.objects.filter(tenant=tenant, id=int(value)).exists()


def _duration(count: int, total: int, hist: list[int] | None) -> dict[str, Any]:
    return {
        "count": count,
        "avg_seconds": round(total / count, 1) if count else None,
        "median_seconds": percentile(hist, 0.5) if hist else None,
        "p90_seconds": percentile(hist, 0.9) if hist else None,
    }


def _metrics(row: tuple[Any, ...]) -> dict[str, Any]:
    created, solved, reopened, frt_n, frt_sum, res_n, res_sum, replies, frt_hist, res_hist = (
        row if row else (0,) * 8 + (None, None)
    )
    return {
        "created": int(created or 0),
        "solved": int(solved or 0),
        "reopened": int(reopened or 0),
        "first_response": _duration(int(frt_n or 0), int(frt_sum or 0), frt_hist),
        "resolution": _duration(int(res_n or 0), int(res_sum or 0), res_hist),
        "replies_per_solved": round(int(replies or 0) / int(res_n), 2) if res_n else None,
    }


def _sum_rows(rows: list[Any]) -> tuple[Any, ...]:
    """Totals from the per-period sums (a handful of rows), instead of a second scan."""
    if not rows:
        return ()
    counters = [sum(int(r[i] or 0) for r in rows) for i in range(8)]
    return (*counters, merge(r[8] for r in rows), merge(r[9] for r in rows))


def report_series(*, tenant: Tenant, query: ReportQuery) -> dict[str, Any]:
    """Metrics per period between start and end (periods cut to the range), with the backlog
    (unresolved tickets) at the end of each period."""
    query.check()
    trunc = {"day": "day", "week": "week", "month": "month"}[query.group]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(created + reopened - solved), 0) FROM reports_dailyrollup "
            "WHERE tenant_id = %s AND dimension = %s AND value = %s AND day < %s",
            [tenant.id, query.dimension, query.value, query.start],
        )
        backlog = int(cursor.fetchone()[0])
        # trunc and SUMS are fixed strings; every value is a parameter
        cursor.execute(
            f"SELECT date_trunc('{trunc}', day)::date AS period, {SUMS} FROM reports_dailyrollup "  # noqa: S608
            "WHERE tenant_id = %s AND dimension = %s AND value = %s AND day BETWEEN %s AND %s "
            "GROUP BY 1 ORDER BY 1",
            [tenant.id, query.dimension, query.value, query.start, query.end],
        )
        rows = {period: row for period, *row in cursor.fetchall()}
    periods = []
    current = period_start(query.start, query.group)
    while current <= query.end:
        metrics = _metrics(tuple(rows[current]) if current in rows else ())
        backlog += metrics["created"] + metrics["reopened"] - metrics["solved"]
        periods.append({"period": current, **metrics, "backlog": backlog})
        current = next_period(current, query.group)
    totals = _metrics(_sum_rows(list(rows.values())))
    totals["backlog"] = backlog
    return {
        "group": query.group,
        "start": query.start,
        "end": query.end,
        "periods": periods,
        "totals": totals,
    }


def report_breakdown(*, tenant: Tenant, query: ReportQuery) -> list[dict[str, Any]]:
    """Totals over the range for each value of `query.dimension` (busiest first)."""
    query.check()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value, {SUMS} FROM reports_dailyrollup "  # noqa: S608  (fixed string, values are parameters)
            "WHERE tenant_id = %s AND dimension = %s AND day BETWEEN %s AND %s "
            "GROUP BY value ORDER BY sum(created) DESC, value LIMIT 500",
            [tenant.id, query.dimension, query.start, query.end],
        )
        return [{"value": value, **_metrics(tuple(row))} for value, *row in cursor.fetchall()]


EXPORT_COLUMNS = (
    "number", "subject", "status", "priority", "type", "category", "channel", "assignee_id", "team_id",
    "requester_id", "created_at", "first_response_at", "solved_at", "closed_at", "updated_at",
)  # fmt: skip
EXPORT_CHUNK = 2000


def ticket_export_queryset(*, tenant: Tenant, viewer: Membership, filters: Any) -> Any:
    """The tickets matching the list filters as value rows, oldest first. Built now (so bad
    filters fail before streaming starts); iterate it with `.iterator(chunk_size=EXPORT_CHUNK)`
    inside a tenant transaction: a server-side cursor keeps memory flat at any size."""
    from tickets.selectors.tickets import apply_filters, visible_tickets

    qs = apply_filters(visible_tickets(tenant=tenant, viewer=viewer), filters, viewer)
    return qs.order_by("id").values_list(*EXPORT_COLUMNS)
