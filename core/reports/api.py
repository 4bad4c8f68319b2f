"""REST API of reports: metric series, breakdowns and CSV exports, for admins (and agents if allowed)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import request_tenant, require_membership
from reports.downloads import ExportOut, export_file_response, export_job_out
from reports.exports import streamed_csv
from reports.models import FILTER_DIMENSIONS, ExportJob
from reports.selectors import (
    EXPORT_CHUNK,
    EXPORT_COLUMNS,
    ReportQuery,
    drilldown_tickets,
    export_job_get,
    filter_value_exists,
    report_breakdown,
    report_series,
    ticket_export_queryset,
)
from reports.services import export_job_create
from reports.services.exports import EXPORT_KINDS
from tenancy.models import ADMIN_ROLES, STAFF_ROLES, Membership, Tenant
from tickets.filters import ChannelName, ListQuery, PriorityName, filters_from

router = Router(tags=["reports"])
# Tenant setting that lets agents (not only admins) read reports.
AGENTS_SETTING = "reports_agents"


class SeriesQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    group: Literal["day", "week", "month"] = "day"
    team: str | None = None
    assignee: str | None = None
    channel: ChannelName | None = None
    category: str | None = None
    priority: PriorityName | None = None
    tag: str | None = None
    field: str | None = None  # key=value of a dropdown, multiselect or checkbox custom field


class BreakdownQuery(SeriesQuery):
    by: str


def _reader(request: HttpRequest) -> tuple[Tenant, Membership]:
    tenant = request_tenant(request)
    roles = STAFF_ROLES if tenant.settings.get(AGENTS_SETTING) else ADMIN_ROLES
    return tenant, require_membership(request, roles)


def _range(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    end = end or dt.datetime.now(dt.UTC).date()
    return start or end - dt.timedelta(days=29), end


def _series_query(tenant: Tenant, params: SeriesQuery, by: str = "all") -> ReportQuery:
    chosen = tuple(
        (d, str(getattr(params, d))) for d in FILTER_DIMENSIONS if getattr(params, d) not in (None, "")
    )
    for dimension, value in chosen:
        if len(value) > 100:
            raise HttpError(422, "A filter value has at most 100 characters.")
        if not filter_value_exists(tenant=tenant, dimension=dimension, value=value):
            raise HttpError(404, "Not Found")
    if dict(chosen).get("tag"):
        chosen = tuple((d, v.lower() if d == "tag" else v) for d, v in chosen)
    start, end = _range(params.start, params.end)
    query = ReportQuery(start=start, end=end, group=params.group, filters=chosen, dimension=by)
    query.check()
    return query


@router.get("/reports/tickets")
def tickets_report(request: HttpRequest, params: Query[SeriesQuery]) -> dict[str, Any]:
    """Created, solved, reopened, backlog, first response and resolution times (calendar and
    business hours), replies per solved ticket, SLA achievement per target, CSAT, AI triage
    acceptance and (unfiltered) deflection, by day/week/month in the tenant's time zone;
    filter by at most two of team, assignee, channel, category, priority, tag, field."""
    tenant, _ = _reader(request)
    return report_series(tenant=tenant, query=_series_query(tenant, params))


@router.get("/reports/breakdown")
def breakdown_report(request: HttpRequest, params: Query[BreakdownQuery]) -> list[dict[str, Any]]:
    """The same metrics over a range for each value of `by` (team, assignee, channel,
    category, priority, tag, field), within at most one filter."""
    tenant, _ = _reader(request)
    if params.by not in FILTER_DIMENSIONS:
        raise HttpError(422, f"`by` is one of {', '.join(FILTER_DIMENSIONS)}.")
    return report_breakdown(tenant=tenant, query=_series_query(tenant, params, by=params.by))


class DrillQuery(SeriesQuery):
    metric: str = "created"
    limit: int = 50


@router.get("/reports/drilldown")
def drilldown_report(request: HttpRequest, params: Query[DrillQuery]) -> dict[str, Any]:
    """The tickets behind a number of the report (at most `limit`, newest first)."""
    tenant, _ = _reader(request)
    query = _series_query(tenant, params)
    limit = max(1, min(params.limit, 200))
    return {
        "metric": params.metric,
        "tickets": drilldown_tickets(tenant=tenant, query=query, metric=params.metric, limit=limit),
    }


SERIES_COLUMNS = (
    "period", "created", "solved", "reopened", "backlog",
    "first_response_median_s", "first_response_p90_s", "first_response_avg_s",
    "resolution_median_s", "resolution_p90_s", "resolution_avg_s", "replies_per_solved",
    "first_response_business_median_s", "resolution_business_median_s",
    "sla_first_response_rate", "sla_next_response_rate", "sla_resolution_rate",
    "csat_score", "csat_response_rate", "ai_triage_acceptance_rate", "deflection_rate",
)  # fmt: skip


@router.get("/reports/tickets.csv")
def tickets_report_csv(request: HttpRequest, params: Query[SeriesQuery]) -> StreamingHttpResponse:
    tenant, _ = _reader(request)
    report = report_series(tenant=tenant, query=_series_query(tenant, params))

    def rows() -> list[list[Any]]:
        out = []
        for p in report["periods"]:
            frt, res = p["first_response"], p["resolution"]
            out.append([
                p["period"].isoformat(), p["created"], p["solved"], p["reopened"], p["backlog"],
                frt["median_seconds"], frt["p90_seconds"], frt["avg_seconds"],
                res["median_seconds"], res["p90_seconds"], res["avg_seconds"], p["replies_per_solved"],
                frt["business"]["median_seconds"], res["business"]["median_seconds"],
                *(p["sla"][m]["rate"] for m in ("first_response", "next_response", "resolution")),
                p["csat"]["score"], p["csat"]["response_rate"], p["ai_triage"]["acceptance_rate"],
                p["deflection"]["rate"] if "deflection" in p else None,
            ])  # fmt: skip
        return out

    return streamed_csv(tenant_id=tenant.id, filename="tickets-report.csv", header=SERIES_COLUMNS, rows=rows)


@router.get("/reports/ticket-list.csv")
def ticket_list_csv(request: HttpRequest, query: Query[ListQuery]) -> StreamingHttpResponse:
    """Every ticket matching the ticket list's filters, as CSV, streamed (any size)."""
    tenant, member = _reader(request)
    rows = ticket_export_queryset(tenant=tenant, viewer=member, filters=filters_from(query, member))
    return streamed_csv(
        tenant_id=tenant.id,
        filename="tickets.csv",
        header=EXPORT_COLUMNS,
        rows=lambda: rows.iterator(chunk_size=EXPORT_CHUNK),
    )


class ExportIn(Schema):
    kind: str = "tickets"
    params: dict[str, Any] = {}


def _export_out(job: ExportJob) -> dict[str, Any]:
    return export_job_out(job, download_url=f"/api/v1/reports/exports/{job.id}/download")


@router.post("/reports/exports", response={202: ExportOut})
def export_create(request: HttpRequest, body: ExportIn) -> Status:
    """Export a ticket list (the list's filters in `params`) as CSV in the background; poll the
    job for its progress, then download it. Small lists stream from `ticket-list.csv` directly."""
    tenant, member = _reader(request)
    job = export_job_create(tenant=tenant, member=member, kind=body.kind, params=body.params)
    return Status(202, _export_out(job))


@router.get("/reports/exports/{job_id}", response=ExportOut)
def export_status(request: HttpRequest, job_id: int) -> dict[str, Any]:
    tenant, member = _reader(request)
    job = export_job_get(tenant=tenant, member=member, job_id=job_id, kinds=EXPORT_KINDS)
    if job is None:
        raise HttpError(404, "Not Found")
    return _export_out(job)


@router.get("/reports/exports/{job_id}/download")
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    """The job's CSV; 410 once it expired (a week after it was written)."""
    tenant, member = _reader(request)
    job = export_job_get(tenant=tenant, member=member, job_id=job_id, kinds=EXPORT_KINDS)
    return export_file_response(job, filename=f"tickets-{job_id}.csv", content_type="text/csv; charset=utf-8")
