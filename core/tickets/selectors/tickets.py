"""Ticket reads: who may see which ticket, the filtered list with keyset pagination, the detail."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from tenancy.models import Membership, Tenant
from tickets.models import (
    Attachment,
    CustomStatus,
    Message,
    MessageArticle,
    StatusCategory,
    Ticket,
    TicketFollower,
    TicketLink,
)

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
DETAIL_RELATED = ("custom_status", "requester__user", "assignee__user", "team", "merged_into")
MAX_LIMIT = 100


@dataclass
class TicketFilters:
    status: list[str] = field(default_factory=list)
    status_category: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    channel: list[str] = field(default_factory=list)
    assignee: str | None = None  # a membership id, "me" or "none"
    team: str | None = None  # a team id or "none"
    requester: int | None = None
    numbers: list[int] = field(default_factory=list)  # the tenant's ticket numbers (#1042 -> 1042)
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None


ORGANIZATION_SETTING = "customers_see_organization_tickets"


def shared_organization_id(*, tenant: Tenant, viewer: Membership) -> int | None:
    """The customer's organization when the tenant lets customers see its tickets, else None."""
    if viewer.is_staff_role or not viewer.organization_id:
        return None
    return viewer.organization_id if (tenant.settings or {}).get(ORGANIZATION_SETTING) is True else None


def visible_tickets(*, tenant: Tenant, viewer: Membership) -> QuerySet[Ticket]:
    """Staff see every ticket of the tenant; a customer those they requested or follow, and,
    if the tenant allows it, those requested by anyone of their organization."""
    qs = Ticket.objects.filter(tenant=tenant).defer(*SEARCH_COLUMNS)
    if viewer.is_staff_role:
        return qs
    follows = TicketFollower.objects.filter(tenant=tenant, ticket=OuterRef("pk"), membership=viewer)
    visible: Q = Q(requester=viewer) | Q(Exists(follows))
    organization_id = shared_organization_id(tenant=tenant, viewer=viewer)
    if organization_id is not None:
        colleagues = Membership.objects.filter(tenant=tenant, organization_id=organization_id)
        visible |= Q(requester_id__in=colleagues.values("id"))
    return qs.filter(visible)


def _id_filter(value: str, field_name: str, viewer: Membership) -> Q:
    if value == "none":
        return Q(**{f"{field_name}__isnull": True})
    if value == "me":
        return Q(**{field_name: viewer.id})
    try:
        return Q(**{field_name: int(value)})
    except ValueError as exc:
        raise ValidationError({field_name: "An id, 'me' or 'none'."}) from exc


def apply_filters(qs: QuerySet[Ticket], filters: TicketFilters, viewer: Membership) -> QuerySet[Ticket]:
    if filters.status_category:
        qs = qs.filter(status__in=filters.status_category)
    if filters.status:
        categories = [s for s in filters.status if s in StatusCategory.values]
        qs = qs.filter(
            Q(custom_status__key__in=filters.status) | Q(status__in=categories, custom_status=None)
        )
    if filters.priority:
        qs = qs.filter(priority__in=filters.priority)
    if filters.type:
        qs = qs.filter(type__in=filters.type)
    if filters.channel:
        qs = qs.filter(channel__in=filters.channel)
    if filters.assignee:
        qs = qs.filter(_id_filter(filters.assignee, "assignee", viewer))
    if filters.team:
        qs = qs.filter(_id_filter(filters.team, "team", viewer))
    if filters.requester is not None:
        qs = qs.filter(requester_id=filters.requester)
    if filters.numbers:
        qs = qs.filter(number__in=filters.numbers)
    if filters.tags:
        qs = qs.filter(tags__contains=sorted({t.lower() for t in filters.tags}))
    if filters.custom_fields:
        for key, value in filters.custom_fields.items():
            # multiselect values are lists: containment finds one chosen option among several
            qs = qs.filter(
                Q(custom_fields__contains={key: value}) | Q(custom_fields__contains={key: [value]})
            )
    for name, lookup in (
        ("created_after", "created_at__gte"),
        ("created_before", "created_at__lt"),
        ("updated_after", "updated_at__gte"),
        ("updated_before", "updated_at__lt"),
    ):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


def encode_cursor(ticket: Ticket, sort: str) -> str:
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


def _after_cursor(qs: QuerySet[Ticket], cursor: str, sort: str) -> QuerySet[Ticket]:
    column, descending = SORTS[sort]
    when, last_id = _decode_cursor(cursor, sort)
    op = "<" if descending else ">"
    if column == "id":
        return qs.filter(id__lt=last_id) if descending else qs.filter(id__gt=last_id)
    # A row comparison lets PostgreSQL walk the (tenant, updated_at, id) index from the cursor.
    return qs.filter(
        RawSQL(  # noqa: S611 - `op` is one of two fixed strings; values are parameters
            f'("tickets_ticket"."updated_at", "tickets_ticket"."id") {op} (%s, %s)',
            [when, last_id],
            output_field=BooleanField(),
        )
    )


def ticket_list(
    *,
    tenant: Tenant,
    viewer: Membership,
    filters: TicketFilters,
    sort: str = DEFAULT_SORT,
    cursor: str | None = None,
    limit: int = 25,
) -> tuple[list[Ticket], str | None]:
    """One page of tickets and the cursor of the next page (None on the last)."""
    if sort not in SORTS:
        raise ValidationError({"sort": f"Use one of {', '.join(SORTS)}."})
    limit = max(1, min(limit, MAX_LIMIT))
    column, descending = SORTS[sort]
    qs = apply_filters(visible_tickets(tenant=tenant, viewer=viewer), filters, viewer)
    if cursor:
        qs = _after_cursor(qs, cursor, sort)
    order = [f"-{column}", "-id"] if descending else [column, "id"]
    if column == "id":
        order = order[:1]
    # No joins here: with them the planner may start from the (few) members and sort every
    # ticket; alone, the page comes straight off the (tenant, updated_at, id) index.
    rows = list(qs.order_by(*order)[: limit + 1])
    attach_related(tenant=tenant, tickets=rows[:limit])
    next_cursor = encode_cursor(rows[limit - 1], sort) if len(rows) > limit else None
    return rows[:limit], next_cursor


def ticket_get(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> Ticket | None:
    return (
        visible_tickets(tenant=tenant, viewer=viewer)
        .select_related(*DETAIL_RELATED)
        .defer(*(f"merged_into__{c}" for c in SEARCH_COLUMNS))
        .filter(id=ticket_id)
        .first()
    )


def ticket_detail(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> Ticket | None:
    """The ticket with followers, links and its visible messages (with attachments) prefetched."""
    followers = TicketFollower.objects.filter(tenant=tenant, ticket=OuterRef("pk")).order_by("membership_id")
    ticket = (
        visible_tickets(tenant=tenant, viewer=viewer)
        .select_related(*DETAIL_RELATED)
        .defer(*(f"merged_into__{c}" for c in SEARCH_COLUMNS))
        .annotate(follower_ids=ArraySubquery(followers.values("membership_id")))  # no extra round trip
        .filter(id=ticket_id)
        .first()
    )
    if ticket is None:
        return None
    messages = message_queryset(tenant=tenant, viewer=viewer, ticket=ticket)
    ticket.visible_messages = list(messages.order_by("id")[:200])  # type: ignore[attr-defined]
    ticket.link_rows = (  # type: ignore[attr-defined]
        list(
            TicketLink.objects.filter(tenant=tenant)
            .filter(Q(source=ticket) | Q(target=ticket))
            .select_related("source", "target")
            .order_by("id")
        )
        if viewer.is_staff_role
        else []
    )
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
