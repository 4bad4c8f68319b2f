"""The ticket list's query parameters and the filters they make: shared by the list, search
and the CSV export (reports), so features need not import the tickets API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from tenancy.models import Membership
from tickets.models import StatusCategory
from tickets.selectors.misc import custom_status_keys
from tickets.selectors.ticket_sql import TicketFilters

# The fixed choices, spelled out so the OpenAPI schema lists them and a value outside them
# answers 422 naming the choices (an unknown value used to match nothing: 200 and []).
StatusCategoryName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
TypeName = Literal["question", "incident", "problem", "task"]
ChannelName = Literal["portal", "email", "api", "agent", "system"]
SortName = Literal["-updated_at", "updated_at", "-created_at", "created_at"]


def _parse_custom_filters(raw: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in raw:
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise HttpError(422, "Custom field filters look like cf=key:value.")
        try:
            result[key] = json.loads(value)  # numbers and true/false compare as such
        except json.JSONDecodeError:
            result[key] = value
    return result


class ListQuery(Schema):
    status: list[str] = Field(
        default=[], description="A status category (new, open, ...) or a custom status's key."
    )
    status_category: list[StatusCategoryName] = []
    priority: list[PriorityName] = []
    type: list[TypeName] = []
    channel: list[ChannelName] = []
    assignee: str | None = None
    team: str | None = None
    requester: int | None = None
    organization: int | None = Field(default=None, description="The requester's organization (an id).")
    number: list[int] = Field(
        default=[], max_length=50, description="Ticket numbers, as shown: #1042 is 1042."
    )
    tag: list[str] = []
    cf: list[str] = []
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    sort: SortName = "-updated_at"
    cursor: str | None = None
    limit: int = 25


def _check_statuses(statuses: list[str], viewer: Membership) -> None:
    """A status is a category or one of the tenant's custom statuses; anything else is a
    mistake the caller should hear about, not a filter that quietly matches nothing."""
    unknown = set(statuses) - set(StatusCategory.values)
    if not unknown:
        return
    keys = custom_status_keys(tenant_id=viewer.tenant_id)
    if unknown - keys:
        known = ", ".join([*StatusCategory.values, *sorted(keys)])
        bad = ", ".join(sorted(unknown - keys))
        raise ValidationError({"status": [f"Unknown status {bad}: use one of {known}."]})


def filters_from(query: Any, viewer: Membership) -> TicketFilters:
    _check_statuses(query.status, viewer)
    filters = TicketFilters(
        status=query.status,
        status_category=query.status_category,
        priority=query.priority,
        type=query.type,
        channel=query.channel,
        assignee=query.assignee,
        team=query.team,
        requester=query.requester,
        organization=query.organization,
        numbers=query.number,
        tags=query.tag,
        custom_fields=_parse_custom_filters(query.cf),
        created_after=query.created_after,
        created_before=query.created_before,
        updated_after=query.updated_after,
        updated_before=query.updated_before,
    )
    if not viewer.is_staff_role:
        filters.assignee = filters.team = None  # agent-only fields are not filterable by customers
    return filters
