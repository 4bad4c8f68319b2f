"""The ticket list's query parameters and the filters they make: shared by the list, search
and the CSV export (reports), so features need not import the tickets API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from tenancy.models import Membership
from tickets.selectors.ticket_sql import TicketFilters


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
    status: list[str] = []
    status_category: list[str] = []
    priority: list[str] = []
    type: list[str] = []
    channel: list[str] = []
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
    sort: str = "-updated_at"
    cursor: str | None = None
    limit: int = 25


def filters_from(query: Any, viewer: Membership) -> TicketFilters:
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
