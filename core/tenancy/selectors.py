"""Read access to tenancy data. Every function takes the tenant explicitly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from db.rows import model_from_row, select_columns
from db.tenant_setting import TENANT_SETTING
from tenancy.models import Membership, Organization, Team, Tenant


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


def two_factor_required_for_staff(tenant: Tenant) -> bool:
    """Tenant setting `settings["security"]["two_factor_required_for_staff"]`: off by default."""
    security = tenant.settings.get("security") if isinstance(tenant.settings, dict) else None
    return bool(isinstance(security, dict) and security.get("two_factor_required_for_staff") is True)


def tenant_by_slug_setting_query(*, slug: str) -> tuple[str, list[Any]]:
    """SQL finding the active tenant of a host and setting it as the transaction's tenant
    (`app.tenant_id`, see `tenancy.context`) in the same statement: no row, no tenant set.
    Read its row with `tenant_from_setting_row`."""
    return (
        f"SELECT {select_columns(Tenant, 'n')}, set_config(%s, n.id::text, true) "  # noqa: S608  # nosec B608
        "FROM tenancy_tenant n WHERE n.slug = %s AND n.status = %s",
        [TENANT_SETTING, slug, Tenant.Status.ACTIVE],
    )


def tenant_from_setting_row(row: Any) -> Tenant:
    return model_from_row(Tenant, row)


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


def _origin(host: str) -> str:
    """Scheme, host and port of a link to `host`, for emails and messages."""
    if settings.SESSION_COOKIE_SECURE:
        # HTTPS means a TLS proxy in front, on 443; WEB_PORT is then only the internal port.
        return f"https://{host}"
    port = "" if settings.WEB_PORT == 80 else f":{settings.WEB_PORT}"
    return f"http://{host}{port}"


def platform_base_url() -> str:
    """The platform host's origin (no tenant): where desks are signed up for."""
    return _origin(settings.BASE_DOMAIN)


def tenant_pending_by_id(*, tenant_id: int) -> Tenant | None:
    """A self-serve sign-up whose owner has not confirmed their email yet."""
    return Tenant.objects.filter(id=tenant_id, status=Tenant.Status.PENDING).first()


def tenant_base_url(tenant: Tenant) -> str:
    """The tenant's portal origin (scheme, host and port), for links in emails and messages."""
    return _origin(f"{tenant.slug}.{settings.BASE_DOMAIN}")
