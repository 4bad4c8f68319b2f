"""Ticket reads: who may see which ticket, the filtered list with keyset pagination, the detail."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from tenancy.models import Membership, Tenant
from tickets.models import (
    Attachment,
    CustomStatus,
    Message,
    MessageArticle,
    Ticket,
    TicketLink,
)
from tickets.selectors.attribute_ids import narrowed_by_attributes
from tickets.selectors.ticket_fetch import ticket_fetch
from tickets.selectors.ticket_rows import TicketRow, ticket_page_rows
from tickets.selectors.ticket_sql import TicketFilters, filters_sql, visibility_sql

SORTS = {
    # sort name -> (column, descending)
    "-updated_at": ("updated_at", True),
    "updated_at": ("updated_at", False),
    "-created_at": ("id", True),  # ids grow with creation time; one column keeps the keyset simple
    "created_at": ("id", False),
}
DEFAULT_SORT = "-updated_at"
# Kilobytes per ticket that no response shows: reads leave them in the database.
SEARCH_COLUMNS = ("search_vector", "internal_search_vector")
MAX_LIMIT = 100


def visible_tickets(*, tenant: Tenant, viewer: Membership) -> QuerySet[Ticket]:
    """Staff see every ticket of the tenant; a customer those they requested or follow, and,
    if the tenant allows it, those requested by anyone of their organization."""
    qs = Ticket.objects.filter(tenant=tenant).defer(*SEARCH_COLUMNS)
    if viewer.is_staff_role:
        return qs
    # A self-contained subquery (its own alias), so this queryset also works nested in others.
    condition, params = visibility_sql(tenant=tenant, viewer=viewer, alias="v")
    return qs.filter(
        id__in=RawSQL(  # noqa: S611 - fixed SQL; values are parameters  # nosec B611
            f"SELECT v.id FROM tickets_ticket v WHERE v.tenant_id = %s AND {condition}",  # noqa: S608  # nosec B608
            [tenant.id, *params],
        )
    )


def apply_filters(qs: QuerySet[Ticket], filters: TicketFilters, viewer: Membership) -> QuerySet[Ticket]:
    """The list filters on a tickets queryset whose base table is `tickets_ticket` (not nested)."""
    condition, params = filters_sql(filters, viewer, alias='"tickets_ticket"')
    if condition == "TRUE":
        return qs
    return qs.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611 - see ticket_sql  # nosec B611


def encode_cursor(ticket: Ticket | TicketRow, sort: str) -> str:
    column, _ = SORTS[sort]
    value = ticket.updated_at.isoformat() if column == "updated_at" else None
    raw = json.dumps([value, ticket.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[dt.datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, last_id = json.loads(raw)
        when = dt.datetime.fromisoformat(value) if SORTS[sort][0] == "updated_at" else None
        if SORTS[sort][0] == "updated_at" and when is None:
            raise ValueError("missing value")
        return when, int(last_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ValidationError({"cursor": "Invalid cursor; use next_cursor from the previous page."}) from exc


def ticket_list(
    *,
    tenant: Tenant,
    viewer: Membership,
    filters: TicketFilters,
    sort: str = DEFAULT_SORT,
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[TicketRow], str | None]:
    """One page of tickets and the cursor of the next page (None on the last)."""
    if sort not in SORTS:
        raise ValidationError({"sort": f"Use one of {', '.join(SORTS)}."})
    limit = max(1, min(limit, MAX_LIMIT))
    after: tuple[Any, ...] | None = None
    if cursor:
        when, last_id = _decode_cursor(cursor, sort)
        after = (last_id,) if when is None else (when, last_id)
    rows = ticket_page_rows(
        tenant=tenant,
        viewer=viewer,
        filters=narrowed_by_attributes(filters),
        sort=sort,
        after=after,
        limit=limit + 1,
    )
    next_cursor = encode_cursor(rows[limit - 1], sort) if len(rows) > limit else None
    return rows[:limit], next_cursor


def ticket_get(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> Ticket | None:
    """The ticket (with custom status, requester, assignee, team, merged-into) if the viewer
    may see it; one hand-written query (`ticket_fetch`)."""
    return ticket_fetch(tenant=tenant, viewer=viewer, ticket_id=ticket_id)


def ticket_visible_or_404(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> Ticket:
    """`ticket_get` for an API: another tenant's ticket, or a customer's view of someone
    else's, is 404 exactly like a missing one."""
    ticket = ticket_get(tenant=tenant, viewer=viewer, ticket_id=ticket_id)
    if ticket is None:
        raise Http404("Not Found")
    return ticket


def message_queryset(*, tenant: Tenant, viewer: Membership, ticket: Ticket) -> QuerySet[Message]:
    qs = Message.objects.filter(tenant=tenant, ticket=ticket).select_related("author__user")
    if not viewer.is_staff_role:
        qs = qs.filter(is_internal=False)
    return qs.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.filter(tenant=tenant).order_by("id")),
        Prefetch("article_links", queryset=MessageArticle.objects.filter(tenant=tenant)),
    )


def message_list(
    *, tenant: Tenant, viewer: Membership, ticket: Ticket, after_id: int | None = None, limit: int = 50
) -> list[Message]:
    qs = message_queryset(tenant=tenant, viewer=viewer, ticket=ticket)
    if after_id is not None:
        qs = qs.filter(id__gt=after_id)
    return list(qs.order_by("id")[: max(1, min(limit, 200))])


def ticket_link_get(*, tenant: Tenant, link_id: int) -> TicketLink | None:
    return TicketLink.objects.filter(tenant=tenant, id=link_id).select_related("source", "target").first()


def tickets_by_ids(*, tenant: Tenant, ids: list[int]) -> list[Ticket]:
    rows = list(Ticket.objects.filter(tenant=tenant, id__in=ids).defer(*SEARCH_COLUMNS).order_by("id"))
    attach_related(tenant=tenant, tickets=rows)
    return rows


def attach_related(*, tenant: Tenant, tickets: list[Ticket]) -> None:
    """Load requesters, assignees (with users) and custom statuses of a page in one or two
    queries, and set them on the tickets, so shaping them costs no further query."""
    member_ids = {t.requester_id for t in tickets} | {t.assignee_id for t in tickets if t.assignee_id}
    members = {
        m.id: m for m in Membership.objects.filter(tenant=tenant, id__in=member_ids).select_related("user")
    }
    status_ids = {t.custom_status_id for t in tickets if t.custom_status_id}
    statuses = (
        {s.id: s for s in CustomStatus.objects.filter(tenant=tenant, id__in=status_ids)} if status_ids else {}
    )
    for ticket in tickets:
        ticket.requester = members[ticket.requester_id]
        ticket.assignee = members.get(ticket.assignee_id) if ticket.assignee_id else None
        ticket.custom_status = statuses.get(ticket.custom_status_id) if ticket.custom_status_id else None
