"""Writes to tenancy data: tenants, memberships and teams."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Team, TeamMembership, Tenant


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


def membership_set(*, tenant: Tenant, user: User, role: str) -> Membership:
    """Give `user` the `role` in `tenant`, creating the membership if needed."""
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use one of {', '.join(Role.values)}."})
    with tenant_context(tenant.id):
        membership, created = Membership.objects.get_or_create(
            tenant=tenant, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
    return membership


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
