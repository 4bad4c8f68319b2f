"""Who sees which ticket, and the list filters, as one SQL condition with its parameters.

The one definition of the filters: the list's hand-written query uses it directly (no ORM
compilation on the hottest path) and `apply_filters` wraps it in `RawSQL` for querysets
(search, reports, exports). `alias` names the tickets table in the surrounding query; it
and every other piece of SQL text here come from code, all values are parameters (hence
the S608 exemptions), except the values of the fixed-choice columns (status, priority,
type, channel): those are written as literals, checked against their choices, so that a
prepared statement's generic plan still sees which partial index applies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from tenancy.models import Membership, Tenant
from tickets.models import Channel, Priority, StatusCategory, TicketType
from tickets.models.tickets import ACTIVE_STATUSES

ORGANIZATION_SETTING = "customers_see_organization_tickets"


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
    organization: int | None = None  # the requester's organization
    numbers: list[int] = field(default_factory=list)  # the tenant's ticket numbers (#1042 -> 1042)
    tags: list[str] = field(default_factory=list)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_after: Any = None  # datetimes
    created_before: Any = None
    updated_after: Any = None
    updated_before: Any = None
    # The tickets the attribute filters matched (`attribute_ids.narrowed_by_attributes`),
    # which then stand in for them; None: not narrowed.
    candidate_ids: list[int] | None = None


def shared_organization_id(*, tenant: Tenant, viewer: Membership) -> int | None:
    """The customer's organization when the tenant lets customers see its tickets, else None."""
    if viewer.is_staff_role or not viewer.organization_id:
        return None
    return viewer.organization_id if (tenant.settings or {}).get(ORGANIZATION_SETTING) is True else None


def customer_visibility_arms(
    *, tenant: Tenant, viewer: Membership, alias: str
) -> list[tuple[str, list[Any]]]:
    """The ways a customer sees a ticket, each a condition on `alias` (SQL, params) that an
    index serves alone: they requested it, they follow it, or, if the tenant shares them,
    someone of their organization requested it. A ticket is visible if any arm holds."""
    arms: list[tuple[str, list[Any]]] = [
        (f"{alias}.requester_id = %s", [viewer.id]),
        (
            f"{alias}.id IN (SELECT f.ticket_id FROM tickets_ticketfollower f "  # noqa: S608  # nosec B608
            "WHERE f.tenant_id = %s AND f.membership_id = %s)",
            [tenant.id, viewer.id],
        ),
    ]
    organization_id = shared_organization_id(tenant=tenant, viewer=viewer)
    if organization_id is not None:
        arms.append(
            (
                f"{alias}.requester_id IN (SELECT om.id FROM tenancy_membership om "  # noqa: S608  # nosec B608
                "WHERE om.tenant_id = %s AND om.organization_id = %s)",
                [tenant.id, organization_id],
            )
        )
    return arms


def visibility_sql(*, tenant: Tenant, viewer: Membership, alias: str) -> tuple[str, list[Any]]:
    """Staff see every ticket of the tenant; a customer those they requested or follow, and,
    if the tenant allows it, those requested by anyone of their organization.

    One condition, for lookups of a few tickets. A page of a customer's tickets unions the
    arms instead (`ticket_rows.ticket_page_rows`): ORed, no index serves them, and a customer
    with one ticket in a tenant of 134k walked all of them (400 ms).
    """
    if viewer.is_staff_role:
        return "TRUE", []
    arms = customer_visibility_arms(tenant=tenant, viewer=viewer, alias=alias)
    return "(" + " OR ".join(sql for sql, _ in arms) + ")", [p for _, params in arms for p in params]


def _id_condition(value: str, column: str, viewer: Membership, name: str) -> tuple[str, list[Any]]:
    if value == "none":
        return f"{column} IS NULL", []
    if value == "me":
        return f"{column} = %s", [viewer.id]
    try:
        return f"{column} = %s", [int(value)]
    except ValueError as exc:
        raise ValidationError({name: "An id, 'me' or 'none'."}) from exc


_RANGES = (
    ("created_after", "created_at", ">="),
    ("created_before", "created_at", "<"),
    ("updated_after", "updated_at", ">="),
    ("updated_before", "updated_at", "<"),
)


def filters_sql(filters: TicketFilters, viewer: Membership, *, alias: str) -> tuple[str, list[Any]]:
    """The filters as `cond AND cond ...` ("TRUE" when there are none)."""
    conditions: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        conditions.append(sql)
        params.extend(values)

    if filters.status_category:
        add(_in_choices(f"{alias}.status", filters.status_category, StatusCategory.values))
    if filters.status:
        categories = [s for s in filters.status if s in StatusCategory.values]
        keys, key_params = _in_sql("cs.key", filters.status)
        by_category, category_params = _in_sql(f"{alias}.status", categories)
        add(
            f"({alias}.custom_status_id IN (SELECT cs.id FROM tickets_customstatus cs "  # noqa: S608  # nosec B608
            f"WHERE cs.tenant_id = {alias}.tenant_id AND {keys}) "
            f"OR ({by_category} AND {alias}.custom_status_id IS NULL))",
            *key_params,
            *category_params,
        )
    choice_columns = (("priority", Priority.values), ("type", TicketType.values), ("channel", Channel.values))
    for name, choices in choice_columns:
        values = getattr(filters, name)
        if values:
            add(_in_choices(f"{alias}.{name}", values, choices))
    if filters.assignee:
        add(*_flatten(_id_condition(filters.assignee, f"{alias}.assignee_id", viewer, "assignee")))
    if filters.team:
        add(*_flatten(_id_condition(filters.team, f"{alias}.team_id", viewer, "team")))
    if filters.requester is not None:
        add(f"{alias}.requester_id = %s", filters.requester)
    if filters.organization is not None:
        add(
            f"{alias}.requester_id IN (SELECT om.id FROM tenancy_membership om "  # noqa: S608  # nosec B608
            f"WHERE om.tenant_id = {alias}.tenant_id AND om.organization_id = %s)",
            filters.organization,
        )
    if filters.numbers:
        add(*_in(f"{alias}.number", filters.numbers))
    if filters.candidate_ids is not None:
        add(f"{alias}.id = ANY(%s)", filters.candidate_ids)
    if filters.tags:
        add(f"{alias}.tags @> %s::varchar(50)[]", sorted({t.lower() for t in filters.tags}))
    for key, value in filters.custom_fields.items():
        # multiselect values are lists: containment finds one chosen option among several
        add(
            f"({alias}.custom_fields @> %s::jsonb OR {alias}.custom_fields @> %s::jsonb)",
            json.dumps({key: value}),
            json.dumps({key: [value]}),
        )
    for name, column, op in _RANGES:
        value = getattr(filters, name)
        if value is not None:
            add(f"{alias}.{column} {op} %s", value)
    return (" AND ".join(conditions) or "TRUE"), params


def _in_sql(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """`column IN (%s, ...)`, one placeholder per value, as the ORM writes it: PostgreSQL turns a
    one-value list into `=`, which an ordered index scan can serve, where `= ANY(array)` (before
    PostgreSQL 17) makes it sort every matching row."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _in_choices(column: str, values: list[str], choices: list[str]) -> str:
    """`column IN ('a', 'b')` with the values that are among `choices` (others match nothing)."""
    # Only the choices' own strings (from code) reach the SQL; sorted: one text per value set.
    known = sorted(set(values) & set(choices))
    if not known:
        return "FALSE"
    literals = ", ".join("'" + v + "'" for v in known)
    return f"{column} IN ({literals})"


# Filters whose generic plan (see `db.rows.hot_cursor`) walks the same index as a plan
# made for the values, in every tenant, measured at 1M tickets: the fixed-choice columns
# (literals), and the assignee or team only within the active categories (their partial
# indexes). The generic plan of `assignee=me` alone fetched the agent's 80k tickets of the
# largest tenant by (tenant, assignee, status) and sorted them (176 ms instead of 3).
_CHOICE_FILTERS = frozenset({"status_category", "priority", "type", "channel"})
_ACTIVE = frozenset(str(s) for s in ACTIVE_STATUSES)


def filters_preparable(filters: TicketFilters, sort: str) -> bool:
    """Whether a list with these filters may run as a prepared statement: the inbox's views
    (newest change first; all, mine, unassigned, by team, by priority) and a customer's own
    queue (customers cannot filter by assignee or team)."""
    if sort != "-updated_at":
        return False
    scoped = filters.assignee is not None or filters.team is not None
    if scoped and not (filters.status_category and set(filters.status_category) <= _ACTIVE):
        return False
    if filters.candidate_ids is not None:
        return False  # planned for the ids' number
    return all(
        name in _CHOICE_FILTERS or name in ("assignee", "team") or value in (None, [], {})
        for name, value in vars(filters).items()
    )


def _in(column: str, values: list[Any]) -> tuple[Any, ...]:
    return _flatten(_in_sql(column, values))


def _flatten(condition: tuple[str, list[Any]]) -> tuple[Any, ...]:
    sql, values = condition
    return (sql, *values)
