"""Workspace API (staff): saved inbox views of the signed-in member, and the SLA-at-risk queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BaseModel

from api_kit.auth import request_tenant, require_membership, staff_only
from tickets.api.schemas import TicketOut
from tickets.api.shaping import ticket_dict
from workspace.models import SavedView
from workspace.selectors import saved_view_get, saved_view_list, tickets_at_risk
from workspace.services import saved_view_create, saved_view_delete, saved_view_update

router = Router(tags=["workspace"], auth=staff_only)


class SavedViewIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    filters: dict[str, Any] = Field(
        default_factory=dict, description='Query parameters of GET /tickets, e.g. {"priority": ["high"]}.'
    )
    position: int = Field(default=0, ge=0, le=10_000)


class SavedViewUpdateIn(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    filters: dict[str, Any] | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)


class SavedViewOut(BaseModel):
    id: int
    name: str
    filters: dict[str, Any]
    position: int
    created_at: dt.datetime


class AtRiskTicketOut(TicketOut):
    sla_due_at: dt.datetime = Field(description="The earliest due time of the ticket's running SLA clocks.")


class AtRiskOut(BaseModel):
    items: list[AtRiskTicketOut]


def _out(view: SavedView) -> SavedViewOut:
    return SavedViewOut(
        id=view.id, name=view.name, filters=view.filters, position=view.position, created_at=view.created_at
    )


def _own_view(request: HttpRequest, view_id: int) -> SavedView:
    viewer = require_membership(request)
    view = saved_view_get(tenant=request_tenant(request), owner=viewer, view_id=view_id)
    if view is None:
        raise HttpError(404, "Not Found")
    return view


@router.get("/saved-views", response=list[SavedViewOut])
def saved_views_list(request: HttpRequest) -> list[SavedViewOut]:
    """The signed-in member's saved views, in their order."""
    viewer = require_membership(request)
    return [_out(v) for v in saved_view_list(tenant=request_tenant(request), owner=viewer)]


@router.post("/saved-views", response={201: SavedViewOut})
def saved_views_create(request: HttpRequest, payload: SavedViewIn) -> Status[SavedViewOut]:
    viewer = require_membership(request)
    view = saved_view_create(tenant=request_tenant(request), owner=viewer, **payload.dict())
    return Status(201, _out(view))


@router.get("/saved-views/{view_id}", response=SavedViewOut)
def saved_views_detail(request: HttpRequest, view_id: int) -> SavedViewOut:
    return _out(_own_view(request, view_id))


@router.patch("/saved-views/{view_id}", response=SavedViewOut)
def saved_views_update(request: HttpRequest, view_id: int, payload: SavedViewUpdateIn) -> SavedViewOut:
    view = _own_view(request, view_id)
    return _out(saved_view_update(view=view, changes=payload.dict(exclude_unset=True)))


@router.delete("/saved-views/{view_id}", response={204: None})
def saved_views_delete(request: HttpRequest, view_id: int) -> Status[None]:
    saved_view_delete(view=_own_view(request, view_id))
    return Status(204, None)


@router.get("/sla/at-risk", response=AtRiskOut)
def sla_at_risk(request: HttpRequest, within_minutes: int = 60, limit: int = 50) -> dict[str, Any]:
    """Open tickets whose running SLA clock is breached or due within `within_minutes`, soonest first."""
    if not 0 <= within_minutes <= 7 * 24 * 60:
        raise HttpError(422, "within_minutes must be between 0 and 10080 (a week).")
    tickets = tickets_at_risk(
        tenant=request_tenant(request),
        now=timezone.now(),
        within=dt.timedelta(minutes=within_minutes),
        limit=limit,
    )
    return {"items": [{**ticket_dict(t, staff=True), "sla_due_at": t.sla_due_at} for t in tickets]}  # type: ignore[attr-defined]
