"""CSAT API: settings (admins), the signed rating link (no login), the portal rating, reports."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from csat.models import CsatSettings, CsatSurvey
from csat.selectors import csat_report, survey_for_ticket
from csat.services import csat_rate, csat_settings_get, csat_settings_set, survey_by_token
from tickets.selectors.tickets import ticket_visible_or_404

router = Router(tags=["csat"])


class SettingsIn(Schema):
    enabled: bool | None = None
    scale: Literal["good_bad", "five"] | None = None
    email_requester: bool | None = None


class SettingsOut(Schema):
    enabled: bool
    scale: str
    email_requester: bool


class RatingIn(Schema):
    rating: str | int = Field(description="good or bad, or 1-5, as the survey's scale says")
    comment: str = Field(default="", max_length=5000)


class SurveyOut(Schema):
    ticket_number: int
    ticket_subject: str
    scale: str
    rating: int | None
    comment: str
    rated_at: dt.datetime | None


class ReportQuery(Schema):
    group_by: Literal["agent", "team", "period"] = "agent"
    period: Literal["day", "week", "month"] = "month"
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class ReportRow(Schema):
    key: Any = Field(description="Agent membership id, team id or period start")
    responses: int
    good: int
    bad: int
    average: float
    satisfaction: float


def survey_dict(survey: CsatSurvey) -> dict[str, Any]:
    return {
        "ticket_number": survey.ticket.number,
        "ticket_subject": survey.ticket.subject,
        "scale": survey.scale,
        "rating": survey.rating,
        "comment": survey.comment,
        "rated_at": survey.rated_at,
    }


@router.get("/csat/settings", response=SettingsOut, auth=staff_only)
def settings_get(request: HttpRequest) -> CsatSettings:
    return csat_settings_get(tenant=request_tenant(request))


@router.put("/csat/settings", response=SettingsOut, auth=admin_only)
def settings_put(request: HttpRequest, payload: SettingsIn) -> CsatSettings:
    return csat_settings_set(tenant=request_tenant(request), **payload.dict(exclude_none=True))


def _by_token(request: HttpRequest, token: str) -> CsatSurvey:
    survey = survey_by_token(tenant=request_tenant(request), token=token)
    if survey is None:
        raise HttpError(404, "Not Found")
    return survey


@router.get("/csat/surveys/{token}", response=SurveyOut, auth=None)
def survey_show(request: HttpRequest, token: str) -> dict[str, Any]:
    """The page behind the email link (GET changes nothing: mail scanners open links too)."""
    return survey_dict(_by_token(request, token))


@router.post("/csat/surveys/{token}", response=SurveyOut, auth=None)
def survey_answer(request: HttpRequest, token: str, payload: RatingIn) -> dict[str, Any]:
    """Rate through the signed link, without signing in; answering again changes the rating."""
    survey = _by_token(request, token)
    return survey_dict(
        csat_rate(
            tenant=request_tenant(request), survey=survey, rating=payload.rating, comment=payload.comment
        )
    )


def _ticket_survey_or_none(request: HttpRequest, ticket_id: int) -> CsatSurvey | None:
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=require_membership(request), ticket_id=ticket_id)
    return survey_for_ticket(tenant=tenant, ticket=ticket)


def _ticket_survey(request: HttpRequest, ticket_id: int) -> CsatSurvey:
    survey = _ticket_survey_or_none(request, ticket_id)
    if survey is None:
        raise HttpError(404, "This ticket has no rating request.")
    return survey


@router.get("/tickets/{ticket_id}/csat", response={200: SurveyOut, 204: None})
def ticket_csat(request: HttpRequest, ticket_id: int) -> Status:
    """The ticket's rating request and answer (the requester in the portal, or staff); 204 No
    Content while the ticket has none (it is requested just after solving). Not a 404: the
    ticket exists, and the portal asks for every ticket it shows, so a 404 would be logged as an
    error by every browser on every unsolved ticket."""
    survey = _ticket_survey_or_none(request, ticket_id)
    return Status(204, None) if survey is None else Status(200, survey_dict(survey))


@router.post("/tickets/{ticket_id}/csat", response=SurveyOut)
def ticket_csat_rate(request: HttpRequest, ticket_id: int, payload: RatingIn) -> dict[str, Any]:
    """The requester rates from the portal."""
    viewer = require_membership(request)
    survey = _ticket_survey(request, ticket_id)
    return survey_dict(
        csat_rate(
            tenant=request_tenant(request),
            survey=survey,
            rating=payload.rating,
            comment=payload.comment,
            by=viewer,
        )
    )


@router.get("/csat/report", response=list[ReportRow], auth=staff_only)
def report(request: HttpRequest, query: Query[ReportQuery]) -> list[dict[str, Any]]:
    """Ratings aggregated per agent (who solved), team, or period (day, week, month, UTC)."""
    return csat_report(
        tenant=request_tenant(request),
        group_by=query.group_by,
        period=query.period,
        since=query.since,
        until=query.until,
    )
