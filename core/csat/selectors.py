"""CSAT reads: a ticket's survey and aggregates per agent, team or period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from csat.models import CsatSurvey
from tenancy.models import Tenant
from tickets.models import Ticket

GOOD = 4  # ratings of 4 and 5 (and "good") count as satisfied
TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def survey_for_ticket(*, tenant: Tenant, ticket: Ticket) -> CsatSurvey | None:
    return CsatSurvey.objects.filter(tenant=tenant, ticket=ticket).first()


def csat_report(
    *,
    tenant: Tenant,
    group_by: str,
    period: str = "month",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Responses, good, bad, average (1-5) and satisfaction share per agent, team or period."""
    rated = CsatSurvey.objects.filter(tenant=tenant, rated_at__isnull=False)
    if since:
        rated = rated.filter(rated_at__gte=since)
    if until:
        rated = rated.filter(rated_at__lt=until)
    key: Any = {"agent": F("agent_id"), "team": F("team_id")}.get(group_by) or TRUNC[period](
        "rated_at", tzinfo=dt.UTC
    )
    rows: Any = (
        rated.annotate(key=key)
        .values("key")
        .annotate(
            responses=Count("id"),
            good=Count("id", filter=Q(rating__gte=GOOD)),
            bad=Count("id", filter=Q(rating__lt=GOOD)),
            average=Avg("rating"),
        )
        .order_by("key")
    )
    return [
        {
            **row,
            "average": round(float(row["average"]), 2),
            "satisfaction": round(row["good"] / row["responses"], 4),
        }
        for row in rows
    ]
