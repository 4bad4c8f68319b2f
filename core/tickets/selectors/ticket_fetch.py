"""One ticket as a model, with the rows the write paths read, from one hand-written query.

Reply, update, merge, links and history start from `ticket_get`; with the ORM its
`select_related` of five relations cost more CPU to compile than the rest of a reply's
queries together. Same result: the ticket without its search vectors (deferred, so `save()`
leaves them alone), with custom status, requester and assignee (with users), team and the
ticket it was merged into attached.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.db import connection

from accounts.models import User
from db.rows import models_from_row, select_columns
from tenancy.models import Membership, Team, Tenant
from tickets.models import CustomStatus, Ticket
from tickets.selectors.ticket_sql import visibility_sql

NONE: frozenset[str] = frozenset()
SEARCH_ATTNAMES = frozenset({"search_vector", "internal_search_vector"})
# (model, deferred columns, alias) in the order of the row
_PARTS = (
    (Ticket, SEARCH_ATTNAMES, "t"),
    (CustomStatus, NONE, "cs"),
    (Membership, NONE, "rm"),
    (User, NONE, "ru"),
    (Membership, NONE, "am"),
    (User, NONE, "au"),
    (Team, NONE, "tm"),
    (Ticket, SEARCH_ATTNAMES, "mi"),
)


@cache
def _select() -> str:
    columns = ", ".join(select_columns(model, alias, deferred) for model, deferred, alias in _PARTS)
    return (
        f"SELECT {columns} FROM tickets_ticket t "  # noqa: S608 - column lists from the models  # nosec B608
        "LEFT JOIN tickets_customstatus cs ON cs.tenant_id = t.tenant_id AND cs.id = t.custom_status_id "
        "JOIN tenancy_membership rm ON rm.tenant_id = t.tenant_id AND rm.id = t.requester_id "
        "JOIN accounts_user ru ON ru.id = rm.user_id "
        "LEFT JOIN tenancy_membership am ON am.tenant_id = t.tenant_id AND am.id = t.assignee_id "
        "LEFT JOIN accounts_user au ON au.id = am.user_id "
        "LEFT JOIN tenancy_team tm ON tm.tenant_id = t.tenant_id AND tm.id = t.team_id "
        "LEFT JOIN tickets_ticket mi ON mi.tenant_id = t.tenant_id AND mi.id = t.merged_into_id "
    )


def ticket_fetch(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> Ticket | None:
    """The ticket if the viewer may see it (see `ticket_sql.visibility_sql`), else None."""
    visible, params = visibility_sql(tenant=tenant, viewer=viewer, alias="t")
    with connection.cursor() as cursor:
        cursor.execute(
            f"{_select()} WHERE t.tenant_id = %s AND t.id = %s AND {visible}",
            [tenant.id, ticket_id, *params],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    parts: list[Any] = models_from_row(row, [(model, deferred) for model, deferred, _ in _PARTS])
    ticket, custom_status, requester, requester_user, assignee, assignee_user, team, merged_into = parts
    requester.user = requester_user
    ticket.requester = requester
    if assignee is not None:
        assignee.user = assignee_user
    for name, related in (
        ("custom_status", custom_status),
        ("assignee", assignee),
        ("team", team),
        ("merged_into", merged_into),
    ):
        # Cache what the join found (None for an empty key, as select_related does); never
        # assign None over a key that is set (that would clear it).
        if related is not None or getattr(ticket, f"{name}_id") is None:
            setattr(ticket, name, related)
    return cast(Ticket, ticket)
