"""Read access to tenancy data. Every function takes the tenant explicitly."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from accounts.models import User
from tenancy.context import CURRENT_TENANT_SQL, TENANT_SETTING
from tenancy.models import Membership, Organization, Team, Tenant
from tenancy.rows import column_count, model_from_row, select_columns


def tenant_by_slug(*, slug: str) -> Tenant | None:
    return Tenant.objects.filter(slug=slug, status=Tenant.Status.ACTIVE).first()


def tenant_by_id(*, tenant_id: int) -> Tenant | None:
    return Tenant.objects.filter(id=tenant_id, status=Tenant.Status.ACTIVE).first()


def active_tenant_ids() -> list[int]:
    return list(
        Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("id").values_list("id", flat=True)
    )


def signup_allowed(tenant: Tenant) -> bool:
    """Tenant setting `settings["portal"]["allow_signup"]`: off unless the tenant turns it on."""
    portal = tenant.settings.get("portal") if isinstance(tenant.settings, dict) else None
    return bool(isinstance(portal, dict) and portal.get("allow_signup") is True)


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


def tenant_by_slug_setting_query(*, slug: str) -> tuple[str, list[Any]]:
    """SQL finding the active tenant of a host and setting it as the transaction's tenant
    (`app.tenant_id`, see `tenancy.context`) in the same statement: no row, no tenant set.
    Read its row with `tenant_from_setting_row`."""
    return (
        f"SELECT {select_columns(Tenant, 'n')}, set_config(%s, n.id::text, true) "  # noqa: S608
        "FROM tenancy_tenant n WHERE n.slug = %s AND n.status = %s",
        [TENANT_SETTING, slug, Tenant.Status.ACTIVE],
    )


def tenant_from_setting_row(row: Any) -> Tenant:
    return model_from_row(Tenant, row)


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


def membership_list(*, tenant: Tenant, role: str | None = None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(tenant=tenant).select_related("user").order_by("id")
    if role:
        qs = qs.filter(role=role)
    return qs


def membership_get(*, tenant: Tenant, membership_id: int) -> Membership | None:
    return membership_list(tenant=tenant).filter(id=membership_id).first()


def team_list(*, tenant: Tenant) -> QuerySet[Team]:
    return Team.objects.filter(tenant=tenant).prefetch_related("members").order_by("name")


def team_get(*, tenant: Tenant, team_id: int) -> Team | None:
    return team_list(tenant=tenant).filter(id=team_id).first()


def organization_list(*, tenant: Tenant) -> QuerySet[Organization]:
    return Organization.objects.filter(tenant=tenant).order_by("name")


def organization_get(*, tenant: Tenant, organization_id: int) -> Organization | None:
    return organization_list(tenant=tenant).filter(id=organization_id).first()


def organization_for_email(*, tenant: Tenant, email: str) -> Organization | None:
    """The organization that lists the email's domain, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    return Organization.objects.filter(tenant=tenant, domains__contains=[domain]).first()


def tenant_base_url(tenant: Tenant) -> str:
    """The tenant's portal origin (scheme, host and port), for links in emails and messages."""
    if settings.SESSION_COOKIE_SECURE:
        # HTTPS means a TLS proxy in front, on 443; WEB_PORT is then only the internal port.
        return f"https://{tenant.slug}.{settings.BASE_DOMAIN}"
    port = "" if settings.WEB_PORT == 80 else f":{settings.WEB_PORT}"
    return f"http://{tenant.slug}.{settings.BASE_DOMAIN}{port}"
