"""Reads for accounts. Every tenant-owned lookup takes the tenant explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import accumulate
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from accounts import tokens, two_factor
from accounts.models import ApiToken, AuditEvent, RecoveryCode, TotpDevice, User
from db.rows import column_count, model_from_row, select_columns
from db.tenant_setting import CURRENT_TENANT_SQL
from tenancy.models import STAFF_ROLES, Membership, Tenant
from tenancy.selectors import two_factor_required_for_staff


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def totp_device_of(*, user_id: int) -> TotpDevice | None:
    return TotpDevice.objects.filter(user_id=user_id).first()


def has_two_factor(*, user_id: int) -> bool:
    return TotpDevice.objects.filter(user_id=user_id, confirmed_at__isnull=False).exists()


def recovery_codes_left(*, user_id: int) -> int:
    return RecoveryCode.objects.filter(user_id=user_id, used_at__isnull=True).count()


def staff_without_two_factor(*, tenant: Tenant) -> list[int]:
    """User ids of the tenant's active staff with no confirmed authenticator."""
    return list(
        Membership.objects.filter(tenant=tenant, deactivated_at__isnull=True, role__in=STAFF_ROLES)
        .exclude(user__totp_device__confirmed_at__isnull=False)
        .values_list("user_id", flat=True)
    )


def login_next_step(*, tenant: Tenant, user: User, membership: Membership | None) -> str | None:
    """What a correct password leads to here: a code (the person has an authenticator),
    enrolment (staff of a tenant that requires it, without one), or None: signed in."""
    if has_two_factor(user_id=user.pk):
        return two_factor.Next.CODE
    if membership is not None and membership.is_staff_role and two_factor_required_for_staff(tenant):
        return two_factor.Next.ENROL
    return None


def api_token_list(*, tenant: Tenant, membership: Membership) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(tenant=tenant, membership=membership).order_by("-created_at")


def api_token_get(*, tenant: Tenant, membership: Membership, token_id: int) -> ApiToken | None:
    return api_token_list(tenant=tenant, membership=membership).filter(id=token_id).first()


def audit_event_list(*, tenant: Tenant, limit: int = 100) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(tenant=tenant).order_by("-created_at", "-id")[:limit]


@cache
def _api_token_sql() -> str:
    # Column lists from the models; values are parameters.
    return (
        f"SELECT {select_columns(ApiToken, 't')}, {select_columns(Membership, 'm')}, "  # noqa: S608  # nosec B608
        f"{select_columns(User, 'u')}, {select_columns(Tenant, 'n')} "
        "FROM accounts_apitoken t "
        "JOIN tenancy_membership m ON m.tenant_id = t.tenant_id AND m.id = t.membership_id "
        "JOIN accounts_user u ON u.id = m.user_id "
        "JOIN tenancy_tenant n ON n.id = t.tenant_id "
        "WHERE t.tenant_id = %s AND t.token_hash = %s AND t.revoked_at IS NULL "
        "AND (t.expires_at IS NULL OR t.expires_at > now()) "
        "AND m.deactivated_at IS NULL AND n.status = %s"
    )


def api_token_query(*, parsed: tokens.ParsedToken) -> tuple[str, list[Any]]:
    """SQL (and params) finding an active token with its membership, user and active tenant.

    Hand-written because it runs on every API request, pipelined with setting the tenant
    (`tenancy.context.tenant_context_query`); read its rows with `api_token_from_row`.
    """
    return _api_token_sql(), [parsed.tenant_id, parsed.digest, Tenant.Status.ACTIVE]


def api_token_from_row(row: Sequence[Any] | None) -> ApiToken | None:
    """The token (membership, user and tenant attached) from a row of `api_token_query`,
    or None when there is no row or the user is inactive."""
    if row is None:
        return None
    ends = list(accumulate(column_count(m) for m in (ApiToken, Membership, User)))
    token = model_from_row(ApiToken, row[: ends[0]])
    membership = model_from_row(Membership, row[ends[0] : ends[1]])
    user = model_from_row(User, row[ends[1] : ends[2]])
    tenant = model_from_row(Tenant, row[ends[2] :])
    if not user.is_active:
        return None
    membership.user = user
    membership.tenant = tenant
    token.membership = membership
    token.tenant = tenant
    return token


def api_token_lookup(*, raw: str) -> ApiToken | None:
    """The active token for `raw` with its membership, user and (active) tenant, in one query.

    Call inside the token's tenant context; it records nothing (see `api_token_record_use`)."""
    parsed = tokens.parse(raw)
    if parsed is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*api_token_query(parsed=parsed))
        return api_token_from_row(cursor.fetchone())


# -- members with their user (the tenant middleware's and the services' reads) ----------
_ACTIVE_MEMBERSHIP_OF_USER = "m.user_id = %s AND m.deactivated_at IS NULL"


@cache
def _member_sql(condition: str, tenant: str = "%s") -> str:
    # Hand-written: these run on every session request and in every ticket create; the ORM
    # spent more CPU compiling the join than the database did answering it.
    return (
        f"SELECT {select_columns(Membership, 'm')}, {select_columns(User, 'u')} "  # noqa: S608  # nosec B608
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
