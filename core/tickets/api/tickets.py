"""Tickets API: list (filters, keyset cursor), detail, create, update, bulk update, merge, links, history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from api_kit.auth import request_tenant, require_membership, staff_only
from api_kit.rendering import json_response
from tenancy.models import Membership, Tenant
from tickets.api.schemas import (
    BulkUpdateIn,
    BulkUpdateOut,
    ChangeOut,
    CustomerTicketDetailOut,
    LinkIn,
    LinkOut,
    MergeIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketPage,
    TicketUpdateIn,
)
from tickets.api.shaping import change_dict, link_dict, message_dict, ticket_dict
from tickets.filters import ListQuery, filters_from
from tickets.models import Ticket
from tickets.selectors.detail_rows import ticket_detail_rows
from tickets.selectors.misc import agent_only_field_keys, ticket_history
from tickets.selectors.tickets import (
    ticket_get,
    ticket_link_get,
    ticket_list,
    ticket_visible_or_404,
    tickets_by_ids,
)
from tickets.services.attachments import ticket_create_with_attachments
from tickets.services.links import ticket_link, ticket_merge, ticket_unlink
from tickets.services.tickets import ticket_bulk_update, ticket_create, ticket_update

router = Router(tags=["tickets"])


def hidden_fields_for(tenant: Tenant, viewer: Membership) -> frozenset[str]:
    return frozenset() if viewer.is_staff_role else frozenset(agent_only_field_keys(tenant=tenant))


def get_visible_ticket(request: HttpRequest, ticket_id: int) -> tuple[Tenant, Membership, Ticket]:
    tenant, viewer = request_tenant(request), require_membership(request)
    return tenant, viewer, ticket_visible_or_404(tenant=tenant, viewer=viewer, ticket_id=ticket_id)


@router.get("/tickets", response=TicketPage)
def tickets_list(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    """The caller's queue: staff see the tenant's tickets, customers their own. `assignee` takes
    an id, `me` or `none`; `cf=key:value` filters on a custom field; pages by `cursor`."""
    tenant, viewer = request_tenant(request), require_membership(request)
    rows, next_cursor = ticket_list(
        tenant=tenant,
        viewer=viewer,
        filters=filters_from(query, viewer),
        sort=query.sort,
        cursor=query.cursor,
        limit=query.limit,
    )
    staff, hidden = viewer.is_staff_role, hidden_fields_for(tenant, viewer)
    # Straight to JSON: the shaping already leaves agent-only data out (see api_kit.rendering).
    return json_response(
        {
            "items": [ticket_dict(t, staff=staff, hidden_fields=hidden) for t in rows],
            "next_cursor": next_cursor,
        }
    )


@router.post("/tickets", response={201: TicketDetailOut | CustomerTicketDetailOut})
def tickets_create(request: HttpRequest, payload: TicketCreateIn) -> Status[dict[str, Any]]:
    """Open a ticket with its first message. Customers file for themselves (portal channel)."""
    tenant, viewer = request_tenant(request), require_membership(request)
    created = ticket_create(tenant=tenant, actor=viewer, **payload.dict())
    # Built from what the service just wrote: a new ticket has one message and nothing else.
    data = ticket_dict(
        created.ticket, staff=viewer.is_staff_role, hidden_fields=hidden_fields_for(tenant, viewer)
    )
    data["messages"] = [message_dict(created.message, attachments=[], articles=[])]
    if viewer.is_staff_role:
        data.update(follower_ids=[], links=[])
    return Status(201, data)


@router.post("/tickets/multipart", response={201: TicketDetailOut | CustomerTicketDetailOut})
def tickets_create_multipart(
    request: HttpRequest,
    data: Form[str],
    files: File[list[UploadedFile]] = [],  # noqa: B006
) -> Status[dict[str, Any]]:
    """Open a ticket with files on its first message, in one call (`multipart/form-data`):
    field `data` holds the JSON of the plain create call, fields `files` the files (up to 10).
    All or nothing: a refused file (too large, a program, a disguise) leaves no ticket."""
    tenant, viewer = request_tenant(request), require_membership(request)
    try:
        payload = TicketCreateIn.model_validate_json(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError([{**e, "loc": ("data", *e["loc"])} for e in exc.errors()]) from exc
    uploads = [(f.file, f.name or "", f.size or 0) for f in files if f.file is not None]
    created = ticket_create_with_attachments(tenant=tenant, actor=viewer, files=uploads, **payload.dict())
    data_out = ticket_dict(
        created.ticket, staff=viewer.is_staff_role, hidden_fields=hidden_fields_for(tenant, viewer)
    )
    data_out["messages"] = [message_dict(created.message, attachments=list(created.attachments))]
    if viewer.is_staff_role:
        data_out.update(follower_ids=[], links=[])
    return Status(201, data_out)


# Declared before /tickets/{ticket_id} so that path does not capture it.
@router.post("/tickets/bulk-update", response=BulkUpdateOut, auth=staff_only)
def tickets_bulk_update(request: HttpRequest, payload: BulkUpdateIn) -> dict[str, Any]:
    """The same change on up to 100 tickets, all or nothing."""
    tenant, viewer = request_tenant(request), require_membership(request)
    changes = payload.dict(exclude_unset=True)
    ids = changes.pop("ids")
    if not changes:
        raise HttpError(422, "Nothing to change.")
    updated = ticket_bulk_update(tenant=tenant, ticket_ids=ids, actor=viewer, changes=changes)
    rows = tickets_by_ids(tenant=tenant, ids=[t.id for t in updated])
    return {"updated": len(updated), "items": [ticket_dict(t, staff=True) for t in rows]}


def _detail(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    tenant, viewer = request_tenant(request), require_membership(request)
    rows = ticket_detail_rows(tenant=tenant, viewer=viewer, ticket_id=ticket_id)
    if rows is None:
        raise HttpError(404, "Not Found")
    staff = viewer.is_staff_role
    data = ticket_dict(rows.ticket, staff=staff, hidden_fields=hidden_fields_for(tenant, viewer))
    data["messages"] = [
        message_dict(m, attachments=rows.attachments.get(m.id, []), articles=rows.articles.get(m.id, []))
        for m in rows.messages
    ]
    if staff:
        data["follower_ids"] = rows.follower_ids
        data["links"] = [link_dict(link) for link in rows.links]
    return data


@router.get("/tickets/{ticket_id}", response=TicketDetailOut | CustomerTicketDetailOut)
def tickets_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """One ticket with its messages (customers: public ones only), followers and links."""
    return json_response(_detail(request, ticket_id))


@router.patch("/tickets/{ticket_id}", response=TicketDetailOut | CustomerTicketDetailOut)
def tickets_update(request: HttpRequest, ticket_id: int, payload: TicketUpdateIn) -> dict[str, Any]:
    """Change the fields sent. Customers may only mark their ticket solved or reopen it."""
    tenant, viewer, ticket = get_visible_ticket(request, ticket_id)
    ticket_update(tenant=tenant, ticket=ticket, actor=viewer, changes=payload.dict(exclude_unset=True))
    return _detail(request, ticket_id)


@router.post("/tickets/{ticket_id}/merge", response=TicketDetailOut, auth=staff_only)
def tickets_merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> dict[str, Any]:
    """Merge this ticket into `target_id`; answers the target."""
    tenant, viewer, source = get_visible_ticket(request, ticket_id)
    target = ticket_get(tenant=tenant, viewer=viewer, ticket_id=payload.target_id)
    if target is None:
        raise HttpError(404, "Not Found")
    ticket_merge(tenant=tenant, source=source, target=target, actor=viewer)
    return _detail(request, target.id)


@router.post("/tickets/{ticket_id}/links", response={201: LinkOut}, auth=staff_only)
def tickets_link(request: HttpRequest, ticket_id: int, payload: LinkIn) -> Status[dict[str, Any]]:
    tenant, viewer, source = get_visible_ticket(request, ticket_id)
    target = ticket_get(tenant=tenant, viewer=viewer, ticket_id=payload.target_id)
    if target is None:
        raise HttpError(404, "Not Found")
    link = ticket_link(tenant=tenant, source=source, target=target, kind=payload.kind, actor=viewer)
    return Status(201, link_dict(link))


@router.delete("/tickets/{ticket_id}/links/{link_id}", response={204: None}, auth=staff_only)
def tickets_unlink(request: HttpRequest, ticket_id: int, link_id: int) -> Status[None]:
    tenant, viewer, ticket = get_visible_ticket(request, ticket_id)
    link = ticket_link_get(tenant=tenant, link_id=link_id)
    if link is None or ticket.id not in (link.source_id, link.target_id):
        raise HttpError(404, "Not Found")
    ticket_unlink(tenant=tenant, link=link, actor=viewer)
    return Status(204, None)


@router.get("/tickets/{ticket_id}/history", response=list[ChangeOut], auth=staff_only)
def tickets_history(
    request: HttpRequest, ticket_id: int, after_id: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Every change of the ticket (who, when, old, new, through which channel or rule). Staff only."""
    tenant, _, ticket = get_visible_ticket(request, ticket_id)
    return [
        change_dict(c) for c in ticket_history(tenant=tenant, ticket=ticket, after_id=after_id, limit=limit)
    ]
