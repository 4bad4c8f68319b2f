"""SLA API: calendars and policies (admins configure, staff read) and a ticket's SLA clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from sla.models import BusinessCalendar, SlaClock, SlaPolicy
from sla.selectors import calendar_get, calendar_list, policy_get, policy_list, ticket_clocks
from sla.services.clocks import elapsed
from sla.services.config import calendar_delete, calendar_save, policy_delete, policy_save
from tickets.selectors.tickets import ticket_visible_or_404

router = Router(tags=["sla"], auth=staff_only)


class CalendarIn(Schema):
    name: str = Field(max_length=100)
    timezone: str = "UTC"
    weekly_hours: dict[str, list[list[str]]]
    holidays: list[dict[str, Any]] = []
    is_default: bool = False


class CalendarPatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    timezone: str | None = None
    weekly_hours: dict[str, list[list[str]]] | None = None
    holidays: list[dict[str, Any]] | None = None
    is_default: bool | None = None


class CalendarOut(Schema):
    id: int
    name: str
    timezone: str
    weekly_hours: dict[str, Any]
    holidays: list[dict[str, Any]]
    is_default: bool


class PolicyIn(Schema):
    name: str = Field(max_length=100)
    position: int = Field(default=0, ge=0)
    enabled: bool = True
    conditions: dict[str, Any] = {}
    targets: dict[str, Any]
    business_hours: bool = True
    calendar_id: int | None = None
    pause_statuses: list[str] = ["pending", "on_hold"]
    warning_fraction: float = 0.75


class PolicyPatch(Schema):
    name: str | None = Field(default=None, max_length=100)
    position: int | None = Field(default=None, ge=0)
    enabled: bool | None = None
    conditions: dict[str, Any] | None = None
    targets: dict[str, Any] | None = None
    business_hours: bool | None = None
    calendar_id: int | None = None
    pause_statuses: list[str] | None = None
    warning_fraction: float | None = None


class PolicyOut(Schema):
    id: int
    name: str
    position: int
    enabled: bool
    conditions: dict[str, Any]
    targets: dict[str, Any]
    business_hours: bool
    calendar_id: int | None
    pause_statuses: list[str]
    warning_fraction: float


class ClockOut(Schema):
    metric: str
    state: str = Field(description="ok, warning, breached, paused, achieved or achieved_late")
    policy_id: int | None
    policy_name: str | None
    target_minutes: int
    business_hours: bool
    calendar_id: int | None
    used_minutes: float
    remaining_minutes: float
    started_at: dt.datetime
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    paused_at: dt.datetime | None
    achieved_at: dt.datetime | None
    breached_at: dt.datetime | None


def clock_state(clock: SlaClock, used: float) -> str:
    if clock.achieved_at is not None:
        return "achieved_late" if clock.breached_at else "achieved"
    if clock.breached_at is not None or used >= clock.target_minutes:
        return "breached"
    if clock.paused_at is not None:
        return "paused"
    if used >= clock.target_minutes * clock.warning_fraction:
        return "warning"
    return "ok"


def clock_dict(clock: SlaClock, now: dt.datetime) -> dict[str, Any]:
    used = elapsed(clock, now)
    return {
        "metric": clock.metric,
        "state": clock_state(clock, used),
        "policy_id": clock.policy_id,
        "policy_name": clock.policy.name if clock.policy else None,
        "target_minutes": clock.target_minutes,
        "business_hours": clock.calendar_id is not None,
        "calendar_id": clock.calendar_id,
        "used_minutes": round(used, 2),
        "remaining_minutes": round(clock.target_minutes - used, 2),
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "warn_at": clock.warn_at,
        "paused_at": clock.paused_at,
        "achieved_at": clock.achieved_at,
        "breached_at": clock.breached_at,
    }


def _calendar(request: HttpRequest, calendar_id: int) -> BusinessCalendar:
    found = calendar_get(tenant=request_tenant(request), calendar_id=calendar_id)
    if found is None:
        raise HttpError(404, "Not Found")
    return found


def _policy(request: HttpRequest, policy_id: int) -> SlaPolicy:
    found = policy_get(tenant=request_tenant(request), policy_id=policy_id)
    if found is None:
        raise HttpError(404, "Not Found")
    return found


@router.get("/business-calendars", response=list[CalendarOut])
def calendars_list(request: HttpRequest) -> list[BusinessCalendar]:
    return list(calendar_list(tenant=request_tenant(request)))


@router.post("/business-calendars", response={201: CalendarOut}, auth=admin_only)
def calendars_create(request: HttpRequest, payload: CalendarIn) -> Status[BusinessCalendar]:
    return Status(201, calendar_save(tenant=request_tenant(request), **payload.dict()))


@router.get("/business-calendars/{calendar_id}", response=CalendarOut)
def calendars_detail(request: HttpRequest, calendar_id: int) -> BusinessCalendar:
    return _calendar(request, calendar_id)


@router.patch("/business-calendars/{calendar_id}", response=CalendarOut, auth=admin_only)
def calendars_update(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> BusinessCalendar:
    cal = _calendar(request, calendar_id)
    return calendar_save(tenant=request_tenant(request), calendar=cal, **payload.dict(exclude_unset=True))


@router.delete("/business-calendars/{calendar_id}", response={204: None}, auth=admin_only)
def calendars_delete(request: HttpRequest, calendar_id: int) -> Status[None]:
    calendar_delete(tenant=request_tenant(request), calendar=_calendar(request, calendar_id))
    return Status(204, None)


@router.get("/sla-policies", response=list[PolicyOut])
def policies_list(request: HttpRequest) -> list[SlaPolicy]:
    return list(policy_list(tenant=request_tenant(request)))


@router.post("/sla-policies", response={201: PolicyOut}, auth=admin_only)
def policies_create(request: HttpRequest, payload: PolicyIn) -> Status[SlaPolicy]:
    return Status(201, policy_save(tenant=request_tenant(request), **payload.dict()))


@router.get("/sla-policies/{policy_id}", response=PolicyOut)
def policies_detail(request: HttpRequest, policy_id: int) -> SlaPolicy:
    return _policy(request, policy_id)


@router.patch("/sla-policies/{policy_id}", response=PolicyOut, auth=admin_only)
def policies_update(request: HttpRequest, policy_id: int, payload: PolicyPatch) -> SlaPolicy:
    policy = _policy(request, policy_id)
    return policy_save(tenant=request_tenant(request), policy=policy, **payload.dict(exclude_unset=True))


@router.delete("/sla-policies/{policy_id}", response={204: None}, auth=admin_only)
def policies_delete(request: HttpRequest, policy_id: int) -> Status[None]:
    policy_delete(tenant=request_tenant(request), policy=_policy(request, policy_id))
    return Status(204, None)


@router.get("/tickets/{ticket_id}/sla", response=list[ClockOut])
def ticket_sla(request: HttpRequest, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's SLA clocks: policy, target, time used and left, due time and state. Staff only."""
    tenant = request_tenant(request)
    ticket = ticket_visible_or_404(tenant=tenant, viewer=require_membership(request), ticket_id=ticket_id)
    now = timezone.now()
    return [clock_dict(c, now) for c in ticket_clocks(tenant=tenant, ticket=ticket)]
