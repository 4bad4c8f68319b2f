"""Rollup reads: a metric series by day/week/month in one slice, and totals broken down by a dimension."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from contracts.ids import parse_id
from reports.buckets import merge, percentiles
from reports.clocks import tenant_clocks
from reports.contributions import COUNTERS, HISTOGRAMS, SLA_METRICS
from reports.models import DIMENSIONS, FILTER_DIMENSIONS, NONE_VALUE, PAIR_JOIN, ExportJob, slice_key
from tenancy.models import Membership, Team, Tenant
from tickets.models import Ticket
from tickets.selectors.tickets import apply_filters, visible_tickets

GROUPS = ("day", "week", "month")
MAX_DAYS = 3 * 366
MAX_FILTERS = 2
# Breakdowns merge the calendar-time histograms in SQL (one row per value); business-time
# percentiles are left out there (averages stay), which halves the merging.
SUMS = ", ".join(
    [*(f"sum({c})" for c in COUNTERS)]
    + [f"reports_hist_sum({h}_hist)" if "_bh" not in h else "NULL" for h in HISTOGRAMS]
)
DEFLECTION_GRACE = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class ReportQuery:
    start: dt.date
    end: dt.date  # inclusive
    group: str = "day"
    filters: tuple[tuple[str, str], ...] = ()  # (dimension, value), at most two dimensions
    dimension: str = "all"  # for breakdowns: the dimension whose values are listed

    def check(self) -> None:
        if self.group not in GROUPS:
            raise ValidationError({"group": f"Use one of {', '.join(GROUPS)}."})
        if self.end < self.start:
            raise ValidationError({"end": "The end is before the start."})
        if (self.end - self.start).days >= MAX_DAYS:
            raise ValidationError({"end": f"At most {MAX_DAYS} days per report."})
        if self.dimension not in DIMENSIONS:
            raise ValidationError({"by": f"Use one of {', '.join(DIMENSIONS[1:])}."})
        names = [d for d, _ in self.filters]
        if len(set(names)) != len(names) or any(d not in FILTER_DIMENSIONS for d in names):
            raise ValidationError({"filters": "One value per dimension."})
        if len(names) + (self.dimension != "all") > MAX_FILTERS:
            raise ValidationError(
                {"filters": f"Reports combine at most {MAX_FILTERS} dimensions (filters and breakdown)."}
            )

    @property
    def slice(self) -> tuple[str, str]:
        return slice_key(dict(self.filters))


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
    object_id = parse_id(value)
    if object_id is None:
        return False
    model = Team if dimension == "team" else Membership
    return model.objects.filter(tenant=tenant, id=object_id).exists()


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _duration(
    count: int, total: int, hist: list[int] | None, bh_total: int, bh_hist: list[int] | None
) -> dict[str, Any]:
    median, p90 = percentiles(hist, 0.5, 0.9) if hist else (None, None)
    bh_median, bh_p90 = percentiles(bh_hist, 0.5, 0.9) if bh_hist else (None, None)
    return {
        "count": count,
        "avg_seconds": round(total / count, 1) if count else None,
        "median_seconds": median,
        "p90_seconds": p90,
        "business": {
            "avg_seconds": round(bh_total / count, 1) if count else None,
            "median_seconds": bh_median,
            "p90_seconds": bh_p90,
        },
    }


def _metrics(row: tuple[Any, ...]) -> dict[str, Any]:
    values: list[Any] = list(row) if row else [0] * len(COUNTERS) + [None] * len(HISTOGRAMS)
    c = {name: int(values[i] or 0) for i, name in enumerate(COUNTERS)}
    h: dict[str, list[int] | None] = {name: values[len(COUNTERS) + i] for i, name in enumerate(HISTOGRAMS)}
    sla = {}
    for metric, short in SLA_METRICS.items():
        met, breached = c[f"sla_{short}_met"], c[f"sla_{short}_breached"]
        sla[metric] = {"met": met, "breached": breached, "rate": _rate(met, met + breached)}
    return {
        "created": c["created"],
        "solved": c["solved"],
        "reopened": c["reopened"],
        "first_response": _duration(c["frt_count"], c["frt_sum"], h["frt"], c["frt_bh_sum"], h["frt_bh"]),
        "resolution": _duration(c["res_count"], c["res_sum"], h["res"], c["res_bh_sum"], h["res_bh"]),
        "replies_per_solved": round(c["replies_sum"] / c["res_count"], 2) if c["res_count"] else None,
        "sla": sla,
        "csat": {
            "sent": c["csat_sent"],
            "rated": c["csat_rated"],
            "good": c["csat_good"],
            "score": _rate(c["csat_good"], c["csat_rated"]),
            "average": round(c["csat_sum"] / c["csat_rated"], 2) if c["csat_rated"] else None,
            "response_rate": _rate(c["csat_rated"], c["csat_sent"]),
        },
        "ai_triage": {
            "applied": c["ai_applied"],
            "changed": c["ai_changed"],
            "acceptance_rate": _rate(c["ai_applied"] - c["ai_changed"], c["ai_applied"]),
        },
    }


def tenant_zone(tenant: Tenant) -> str:
    return tenant_clocks(tenant.id).zone.key


def _deflection(tenant: Tenant, query: ReportQuery) -> dict[dt.date, tuple[int, int]]:
    """Ticket forms where a suggested article was opened, and those where no ticket followed
    (after a grace period), by the period of the form's first opening (tenant's zone)."""
    zone = tenant_zone(tenant)
    trunc = {"day": "day", "week": "week", "month": "month"}[query.group]
    settled = timezone.now() - DEFLECTION_GRACE
    with connection.cursor() as cursor:
        # trunc is a fixed word; every value is a parameter
        cursor.execute(
            f"SELECT date_trunc('{trunc}', (first AT TIME ZONE %s)::date)::date, count(*), "  # noqa: S608  # nosec B608
            "count(*) FILTER (WHERE NOT submitted AND first < %s) FROM ("
            "  SELECT min(opened_at) AS first, bool_or(submitted_at IS NOT NULL) AS submitted"
            "  FROM kb_deflectionevent WHERE tenant_id = %s AND opened_at >= %s AND opened_at < %s"
            "  GROUP BY form_session) f GROUP BY 1",
            [zone, settled, tenant.id, *_utc_bounds(query, zone)],
        )
        return {period: (int(forms), int(deflected)) for period, forms, deflected in cursor.fetchall()}


def _utc_bounds(query: ReportQuery, zone: str) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(query.start, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start, end


def _deflection_metrics(forms: int, deflected: int) -> dict[str, Any]:
    return {"forms": forms, "deflected": deflected, "rate": _rate(deflected, forms)}


def segments(start: dt.date, end: dt.date, group: str) -> dict[str, list[dt.date]]:
    """The fewest rollup rows covering [start, end] whose periods each fall inside one
    period of `group`: whole months (for month reports), whole weeks, then single days."""
    out: dict[str, list[dt.date]] = {"m": [], "w": [], "d": []}
    d = start
    while d <= end:
        month_end = next_period(d, "month") - dt.timedelta(days=1)
        week_end = d + dt.timedelta(days=6)
        if group == "month" and d.day == 1 and month_end <= end:
            out["m"].append(d)
            d = month_end + dt.timedelta(days=1)
        elif (
            group != "day"
            and d.weekday() == 0
            and week_end <= end
            and (group == "week" or week_end <= month_end)
        ):
            out["w"].append(d)
            d = week_end + dt.timedelta(days=1)
        else:
            out["d"].append(d)
            d += dt.timedelta(days=1)
    return out


COVER = (
    "((grain = 'm' AND day = ANY(%s)) OR (grain = 'w' AND day = ANY(%s)) OR (grain = 'd' AND day = ANY(%s)))"
)
ROW_COLUMNS = ", ".join([*COUNTERS, *(f"{h}_hist" for h in HISTOGRAMS)])


def _cover_params(cover: dict[str, list[dt.date]]) -> list[list[dt.date]]:
    return [cover["m"], cover["w"], cover["d"]]


def _add_row(total: list[Any] | None, row: Any) -> list[Any]:
    """`row` added to `total` (None: a fresh total); histograms are replaced, never mutated."""
    n = len(COUNTERS)
    if total is None:
        return [int(v or 0) for v in row[:n]] + list(row[n:])
    for i in range(n):
        total[i] += int(row[i] or 0)
    for i in range(n, n + len(HISTOGRAMS)):
        if row[i]:
            total[i] = merge([total[i], row[i]]) if total[i] else row[i]
    return total


def _range_total(tenant: Tenant, dimension: str, value: str, query: ReportQuery) -> list[Any] | None:
    """The totals over the range from whole months and weeks (a few rows, not one per day)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ROW_COLUMNS} FROM reports_dailyrollup "  # noqa: S608  (fixed strings)  # nosec B608
            f"WHERE tenant_id = %s AND dimension = %s AND value = %s AND {COVER}",
            [tenant.id, dimension, value, *_cover_params(segments(query.start, query.end, "month"))],
        )
        total = None
        for row in cursor.fetchall():
            total = _add_row(total, row)
        return total


def _backlog_before(tenant: Tenant, dimension: str, value: str, start: dt.date) -> int:
    """Unresolved tickets at the start: whole months before it, then the days of its month."""
    month = start.replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(created + reopened - solved), 0) FROM reports_dailyrollup "
            "WHERE tenant_id = %s AND dimension = %s AND value = %s "
            "AND ((grain = 'm' AND day < %s) OR (grain = 'd' AND day >= %s AND day < %s))",
            [tenant.id, dimension, value, month, month, start],
        )
        return int(cursor.fetchone()[0])


def report_series(*, tenant: Tenant, query: ReportQuery) -> dict[str, Any]:
    """Metrics per period between start and end (periods cut to the range), with the backlog
    (unresolved tickets) at the end of each period. Deflection has no ticket, so it is given
    only without filters. Histograms are merged here: a period reads one row (or a few at the
    range's edges), so the database only looks rows up by the slice's index."""
    query.check()
    dimension, value = query.slice
    backlog = _backlog_before(tenant, dimension, value, query.start)
    with connection.cursor() as cursor:
        # COVER and ROW_COLUMNS are fixed strings; every value is a parameter
        cursor.execute(
            f"SELECT day, {ROW_COLUMNS} FROM reports_dailyrollup "  # noqa: S608  # nosec B608
            f"WHERE tenant_id = %s AND dimension = %s AND value = %s AND {COVER}",
            [tenant.id, dimension, value, *_cover_params(segments(query.start, query.end, query.group))],
        )
        rows: dict[dt.date, list[Any]] = {}
        for day, *row in cursor.fetchall():
            period = period_start(day, query.group)
            rows[period] = _add_row(rows.get(period), row)
    total = _range_total(tenant, dimension, value, query) if query.group == "day" else None
    if query.group != "day":  # a few periods: add them up
        for row in rows.values():
            total = _add_row(total, row)
    deflection = _deflection(tenant, query) if not query.filters else None
    periods = []
    current = period_start(query.start, query.group)
    while current <= query.end:
        metrics = _metrics(tuple(rows[current]) if current in rows else ())
        backlog += metrics["created"] + metrics["reopened"] - metrics["solved"]
        if deflection is not None:
            metrics["deflection"] = _deflection_metrics(*deflection.get(current, (0, 0)))
        periods.append({"period": current, **metrics, "backlog": backlog})
        current = next_period(current, query.group)
    totals = _metrics(tuple(total) if total else ())
    totals["backlog"] = backlog
    if deflection is not None:
        totals["deflection"] = _deflection_metrics(
            sum(f for f, _ in deflection.values()), sum(d for _, d in deflection.values())
        )
    return {
        "group": query.group,
        "start": query.start,
        "end": query.end,
        "time_zone": tenant_zone(tenant),
        "filters": dict(query.filters),
        "periods": periods,
        "totals": totals,
    }


def report_breakdown(*, tenant: Tenant, query: ReportQuery) -> list[dict[str, Any]]:
    """Totals over the range for each value of `query.dimension` (busiest first), within at
    most one filter (the pair slice of the two dimensions holds exactly those numbers)."""
    query.check()
    if query.dimension == "all":
        raise ValidationError({"by": "Choose a dimension to break down by."})
    dimension, head, tail = query.dimension, "", ""
    if query.filters:
        ((other, fixed),) = query.filters
        dimension, _ = slice_key({query.dimension: "", other: ""})
        first_is_breakdown = dimension.startswith(query.dimension + "+")
        head, tail = ("", PAIR_JOIN + fixed) if first_is_breakdown else (fixed + PAIR_JOIN, "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value, {SUMS} FROM reports_dailyrollup "  # noqa: S608  (fixed string, values are parameters)  # nosec B608
            f"WHERE tenant_id = %s AND dimension = %s AND {COVER} "
            "AND starts_with(value, %s) AND right(value, %s) = %s "
            "GROUP BY value ORDER BY sum(created) DESC, value LIMIT 500",
            [
                tenant.id,
                dimension,
                *_cover_params(segments(query.start, query.end, "month")),
                head,
                len(tail),
                tail,
            ],
        )
        rows = cursor.fetchall()
    return [
        {"value": value[len(head) : len(value) - len(tail)], **_metrics(tuple(row))} for value, *row in rows
    ]


EXPORT_COLUMNS = (
    "number", "subject", "status", "priority", "type", "category", "channel", "assignee_id", "team_id",
    "requester_id", "created_at", "first_response_at", "solved_at", "closed_at", "updated_at",
)  # fmt: skip
EXPORT_CHUNK = 2000


def ticket_export_queryset(*, tenant: Tenant, viewer: Membership, filters: Any) -> Any:
    """The tickets matching the list filters as value rows, oldest first. Built now (so bad
    filters fail before streaming starts); iterate it with `.iterator(chunk_size=EXPORT_CHUNK)`
    inside a tenant transaction: a server-side cursor keeps memory flat at any size."""
    qs = apply_filters(visible_tickets(tenant=tenant, viewer=viewer), filters, viewer)
    return qs.order_by("id").values_list(*EXPORT_COLUMNS)


DRILL_METRICS = ("created", "solved", "first_response", "backlog")
DRILL_COLUMNS = (
    "id", "number", "subject", "status", "priority", "channel", "category", "assignee_id", "team_id",
    "tags", "created_at", "first_response_at", "solved_at",
)  # fmt: skip


def drilldown_tickets(
    *, tenant: Tenant, query: ReportQuery, metric: str, limit: int = 50
) -> list[dict[str, Any]]:
    """The tickets behind a number (newest first): those created, solved (resolved now, solved
    in the range), first answered in the range, or (backlog) unresolved now and created
    before its end; in the filters' slices by their current values, like the rollups."""
    query.check()
    if metric not in DRILL_METRICS:
        raise ValidationError({"metric": f"Use one of {', '.join(DRILL_METRICS)}."})
    start, end = _utc_bounds(query, tenant_zone(tenant))
    qs = Ticket.objects.filter(tenant=tenant)
    if metric == "created":
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    elif metric == "solved":
        qs = qs.filter(status__in=("solved", "closed"), solved_at__gte=start, solved_at__lt=end)
    elif metric == "first_response":
        qs = qs.filter(first_response_at__gte=start, first_response_at__lt=end)
    else:
        qs = qs.exclude(status__in=("solved", "closed")).filter(created_at__lt=end)
    for dimension, value in query.filters:
        qs = _slice_filter(qs, dimension, value)
    return list(qs.order_by("-id").values(*DRILL_COLUMNS)[:limit])


def _slice_filter(qs: Any, dimension: str, value: str) -> Any:
    none = value == NONE_VALUE
    if dimension in ("team", "assignee"):
        return qs.filter(**{f"{dimension}_id__isnull": True} if none else {f"{dimension}_id": int(value)})
    if dimension == "category":
        return qs.filter(category="" if none else value)
    if dimension == "tag":
        return qs.filter(tags=[]) if none else qs.filter(tags__contains=[value])
    if dimension == "field":
        key, _, wanted = value.partition("=")
        if none:
            return qs
        return qs.filter(Q(**{f"custom_fields__{key}": wanted}) | Q(custom_fields__contains={key: [wanted]}))
    return qs.filter(**{dimension: value})


def export_job_get(*, tenant: Tenant, member: Membership, job_id: int, kinds: tuple[str, ...]) -> Any:
    """A job of one of `kinds` its requester (or an admin of the tenant) may see; None otherwise."""
    qs = ExportJob.objects.filter(tenant=tenant, id=job_id, kind__in=kinds)
    if not member.is_admin_role:
        qs = qs.filter(requested_by=member)
    return qs.first()
