"""Reads of memberships together with their users (hand-written: the request path's hot reads)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection

from accounts.models import User
from db.rows import column_count, model_from_row, select_columns
from db.tenant_setting import CURRENT_TENANT_SQL
from tenancy.models import Membership, Tenant

# A user's active membership (a deactivated one counts as none).
_ACTIVE_MEMBERSHIP_OF_USER = "m.user_id = %s AND m.deactivated_at IS NULL"


@cache
def _member_sql(condition: str, tenant: str = "%s") -> str:
    # Hand-written: these run on every session request and in every ticket create; the ORM
    # spent more CPU compiling the join than the database did answering it.
    return (
        f"SELECT {select_columns(Membership, 'm')}, {select_columns(User, 'u')} "  # noqa: S608
        "FROM tenancy_membership m JOIN accounts_user u ON u.id = m.user_id "
        f"WHERE m.tenant_id = {tenant} AND {condition} ORDER BY m.id LIMIT 1"
    )


def _member_with_user(condition: str, params: list[Any]) -> Membership | None:
    with connection.cursor() as cursor:
        cursor.execute(_member_sql(condition), params)
        row = cursor.fetchone()
    return None if row is None else membership_from_row(row)


def membership_in_current_tenant_query(*, user_id: int) -> tuple[str, list[Any]]:
    """SQL for the user's active membership (with the user) in the tenant the transaction is
    set to, for a pipeline that sets it in an earlier statement. Read it with
    `membership_from_row`."""
    return _member_sql(_ACTIVE_MEMBERSHIP_OF_USER, tenant=CURRENT_TENANT_SQL), [user_id]


def membership_from_row(row: Any) -> Membership:
    membership = model_from_row(Membership, row)
    membership.user = model_from_row(User, row[column_count(Membership) :])
    return membership


def membership_for_user(*, tenant: Tenant, user: User) -> Membership | None:
    """The user's active membership (a deactivated one counts as none), with the user."""
    return _member_with_user(_ACTIVE_MEMBERSHIP_OF_USER, [tenant.id, user.pk])


def membership_with_user(*, tenant: Tenant, membership_id: int) -> Membership | None:
    """A membership of the tenant (active or not) with its user."""
    return _member_with_user("m.id = %s", [tenant.id, membership_id])


def membership_of_user(*, tenant: Tenant, user_id: int) -> Membership | None:
    """The user's membership of the tenant (active or not) with the user: who an event's
    actor was."""
    return _member_with_user("m.user_id = %s", [tenant.id, user_id])
