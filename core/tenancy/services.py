"""Writes to tenancy data: tenants, memberships, teams and customer organizations."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tenancy.context import tenant_context
from tenancy.models import Membership, Organization, Role, Team, TeamMembership, Tenant


def tenant_create(*, slug: str, name: str, settings: dict | None = None) -> Tenant:
    tenant = Tenant(slug=slug, name=name, settings=settings or {})
    tenant.full_clean()
    with transaction.atomic():
        tenant.save()
    return tenant


def tenant_get_or_create(*, slug: str, name: str) -> tuple[Tenant, bool]:
    existing = Tenant.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    return tenant_create(slug=slug, name=name), True


def team_create(*, tenant: Tenant, name: str, description: str = "") -> Team:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    try:
        with tenant_context(tenant.id):
            return Team.objects.create(tenant=tenant, name=name, description=description)
    except IntegrityError as exc:
        raise ValidationError({"name": f"A team named {name!r} already exists."}) from exc


def team_add_member(*, tenant: Tenant, team: Team, membership: Membership) -> None:
    if team.tenant_id != tenant.id or membership.tenant_id != tenant.id:
        raise ValidationError("Team and member must belong to the same tenant.")
    if not membership.is_staff_role:
        raise ValidationError({"membership": "Only agents, admins and owners join teams."})
    with tenant_context(tenant.id):
        TeamMembership.objects.get_or_create(tenant=tenant, team=team, membership=membership)


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def organization_clean_domains(*, tenant: Tenant, domains: list[str], exclude_id: int | None) -> list[str]:
    """Lower-cased, checked domains; a ValidationError names one another organization holds."""
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d.strip()})
    bad = [d for d in cleaned if not DOMAIN_RE.match(d)]
    if bad:
        raise ValidationError({"domains": f"Not an email domain: {bad[0]!r} (e.g. example.com)."})
    taken = Organization.objects.filter(tenant=tenant, domains__overlap=cleaned)
    if exclude_id is not None:
        taken = taken.exclude(id=exclude_id)
    for name, theirs in taken.values_list("name", "domains"):
        clash = sorted(set(cleaned) & set(theirs))[0]
        raise ValidationError({"domains": f"{clash} already belongs to the organization {name!r}."})
    return cleaned


def organization_save(
    *,
    tenant: Tenant,
    organization: Organization | None = None,
    name: str | None = None,
    domains: list[str] | None = None,
    notes: str | None = None,
) -> Organization:
    """Create (organization=None) or update one; a domain belongs to one organization per tenant."""
    with tenant_context(tenant.id), transaction.atomic():
        # One writer at a time per tenant, so two saves cannot both claim a domain.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('tenancy.organization'), %s)", [tenant.id])
        org = organization or Organization(tenant=tenant)
        if name is not None:
            org.name = name.strip()
        if not org.name:
            raise ValidationError({"name": "An organization needs a name."})
        if domains is not None:
            org.domains = organization_clean_domains(tenant=tenant, domains=domains, exclude_id=org.id)
        if notes is not None:
            org.notes = notes
        if Organization.objects.filter(tenant=tenant, name=org.name).exclude(id=org.id).exists():
            raise ValidationError({"name": f"An organization named {org.name!r} already exists."})
        org.save()
        if domains is not None:
            _adopt_customers(tenant, org)
    return org


def _adopt_customers(tenant: Tenant, org: Organization) -> None:
    """Customers without an organization whose email domain the organization now lists join it."""
    for domain in org.domains:
        Membership.objects.filter(
            tenant=tenant, role=Role.CUSTOMER, organization__isnull=True, user__email__iendswith=f"@{domain}"
        ).update(organization=org)


def organization_delete(*, tenant: Tenant, organization: Organization) -> None:
    """Its members stay, without an organization."""
    with tenant_context(tenant.id), transaction.atomic():
        Membership.objects.filter(tenant=tenant, organization=organization).update(organization=None)
        organization.delete()


def membership_set_organization(
    *, tenant: Tenant, membership: Membership, organization: Organization | None
) -> Membership:
    if organization is not None and membership.role != Role.CUSTOMER:
        raise ValidationError({"organization_id": "Only customers belong to an organization."})
    with tenant_context(tenant.id), transaction.atomic():
        membership.organization = organization
        membership.save(update_fields=["organization"])
    return membership


def tenant_settings_update(
    *,
    tenant: Tenant,
    sections: dict[str, dict],
    top_level: dict | None = None,
    name: str | None = None,
) -> Tenant:
    """Merge `sections` (e.g. {"branding": {"portal_title": ...}}) and `top_level` keys into the
    tenant's settings under a row lock, so two admins saving different sections at once both
    keep their change. A section key set to None is removed from its section."""
    with transaction.atomic():
        fresh = Tenant.objects.select_for_update().get(id=tenant.id)
        merged = {**(fresh.settings or {}), **(top_level or {})}
        for section, values in sections.items():
            current = dict(merged.get(section) or {})
            for key, value in values.items():
                if value is None:
                    current.pop(key, None)
                else:
                    current[key] = value
            merged[section] = current
        fields: dict[str, object] = {"settings": merged}
        if name is not None:
            fields["name"] = name
        Tenant.objects.filter(id=tenant.id).update(**fields)
        tenant.settings = merged
        if name is not None:
            tenant.name = name
    return tenant
