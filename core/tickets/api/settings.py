"""Ticketing settings API: tags in use, custom field definitions and statuses (changes: admins)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from api_kit.auth import admin_only, request_tenant, require_membership, staff_only
from tickets.api.schemas import (
    CustomFieldIn,
    CustomFieldOut,
    CustomFieldUpdateIn,
    StatusIn,
    StatusOut,
    TagOut,
)
from tickets.models import CustomFieldDefinition, StatusCategory
from tickets.selectors.misc import custom_field_get, custom_field_list, custom_status_list, tag_counts
from tickets.selectors.ticket_sql import ORGANIZATION_SETTING
from tickets.services.fields import (
    custom_field_create,
    custom_field_update,
    custom_status_create,
    ticket_visibility_set,
)

router = Router(tags=["ticket settings"])


def _field_out(d: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "id": d.id,
        "key": d.key,
        "label": d.label,
        "field_type": d.field_type,
        "required": d.required,
        "options": d.options,
        "agent_only": d.agent_only,
        "position": d.position,
        "active": d.active,
    }


@router.get("/tags", response=list[TagOut], auth=staff_only)
def tags_list(request: HttpRequest, prefix: str = "", limit: int = 100) -> list[dict[str, Any]]:
    """Tags in use, most used first (staff)."""
    rows = tag_counts(tenant=request_tenant(request), prefix=prefix.lower()[:50], limit=limit)
    return [{"name": name, "count": count} for name, count in rows]


@router.get("/custom-fields", response=list[CustomFieldOut])
def custom_fields_list(request: HttpRequest, include_inactive: bool = False) -> list[dict[str, Any]]:
    """Field definitions; customers get the ones they may fill in (not agent-only)."""
    viewer = require_membership(request)
    rows = custom_field_list(
        tenant=request_tenant(request),
        viewer=viewer,
        include_inactive=include_inactive and viewer.is_staff_role,
    )
    return [_field_out(d) for d in rows]


@router.post("/custom-fields", response={201: CustomFieldOut}, auth=admin_only)
def custom_fields_create(request: HttpRequest, payload: CustomFieldIn) -> Status[dict[str, Any]]:
    definition = custom_field_create(tenant=request_tenant(request), **payload.dict())
    return Status(201, _field_out(definition))


@router.patch("/custom-fields/{field_id}", response=CustomFieldOut, auth=admin_only)
def custom_fields_update(request: HttpRequest, field_id: int, payload: CustomFieldUpdateIn) -> dict[str, Any]:
    tenant = request_tenant(request)
    definition = custom_field_get(tenant=tenant, field_id=field_id)
    if definition is None:
        raise HttpError(404, "Not Found")
    changes = payload.dict(exclude_unset=True)
    return _field_out(custom_field_update(tenant=tenant, definition=definition, changes=changes))


@router.get("/statuses", response=list[StatusOut])
def statuses_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The built-in categories and the tenant's custom statuses."""
    require_membership(request)
    builtin = [
        {"key": c.value, "name": c.label, "category": c.value, "custom": False} for c in StatusCategory
    ]
    custom = [
        {"key": s.key, "name": s.name, "category": s.category, "custom": True}
        for s in custom_status_list(tenant=request_tenant(request))
    ]
    return builtin + custom


@router.post("/statuses", response={201: StatusOut}, auth=admin_only)
def statuses_create(request: HttpRequest, payload: StatusIn) -> Status[dict[str, Any]]:
    status = custom_status_create(tenant=request_tenant(request), **payload.dict())
    return Status(201, {"key": status.key, "name": status.name, "category": status.category, "custom": True})


class TicketVisibility(Schema):
    customers_see_organization_tickets: bool = Field(
        description="Customers also list, open, search and reply to tickets requested by members "
        "of their organization (internal notes and agent-only fields stay hidden)."
    )


@router.get("/ticket-settings/visibility", response=TicketVisibility, auth=staff_only)
def visibility_get(request: HttpRequest) -> dict[str, Any]:
    tenant = request_tenant(request)
    return {"customers_see_organization_tickets": (tenant.settings or {}).get(ORGANIZATION_SETTING) is True}


@router.put("/ticket-settings/visibility", response=TicketVisibility, auth=admin_only)
def visibility_set(request: HttpRequest, payload: TicketVisibility) -> dict[str, Any]:
    """Admins only."""
    tenant = ticket_visibility_set(
        tenant=request_tenant(request),
        customers_see_organization_tickets=payload.customers_see_organization_tickets,
    )
    return {"customers_see_organization_tickets": tenant.settings[ORGANIZATION_SETTING]}
