"""Writes to tenancy data: tenants, memberships, teams and customer organizations."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from contracts.events import Actor
from events.services import event_record
from tenancy.context import tenant_context
from tenancy.models import Membership, Organization, Role, Team, TeamMembership, Tenant
from tenancy.selectors import organization_for_email


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
        organization = (
            organization_for_email(tenant=tenant, email=user.email) if role == Role.CUSTOMER else None
        )
        membership, created = Membership.objects.get_or_create(
            tenant=tenant, user=user, defaults={"role": role, "organization": organization}
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


# -- members, managed by the tenant's admins ---------------------------------------------


def _check_may_manage(*, actor: Membership, target: Membership | None, role: str | None) -> None:
    """Admins manage agents and customers; only owners touch owners or make someone an owner;
    nobody changes their own membership (no locking oneself out by accident)."""
    if not actor.is_admin_role:
        raise PermissionDenied("Only admins and owners manage members.")
    if target is not None and target.id == actor.id:
        raise PermissionDenied("You cannot change your own membership; ask another admin.")
    touches_owner = role == Role.OWNER or (target is not None and target.role == Role.OWNER)
    if touches_owner and actor.role != Role.OWNER:
        raise PermissionDenied("Only owners add, change or deactivate owners.")


def _keep_an_owner(tenant: Tenant, target: Membership) -> None:
    if target.role != Role.OWNER:
        return
    others = Membership.objects.filter(tenant=tenant, role=Role.OWNER, deactivated_at__isnull=True).exclude(
        id=target.id
    )
    if not others.exists():
        raise ValidationError({"role": "A tenant keeps at least one active owner."})


def _record_member_event(
    *, tenant: Tenant, actor: Membership, membership: Membership, type: str, **extra: object
) -> None:
    """member.invited / member.updated in the change's transaction (outbox): the audit trail of
    who changed whose access, and what mails the invitation."""
    event_record(
        tenant_id=tenant.id,
        type=type,
        subject_id=membership.id,
        actor=Actor(kind="user", id=actor.user_id),
        data={
            "membership_id": membership.id,
            "user_id": membership.user_id,
            "email": membership.user.email,
            "role": membership.role,
            "active": membership.deactivated_at is None,
            "by_membership_id": actor.id,
            **extra,
        },
    )


def member_invite(
    *,
    tenant: Tenant,
    actor: Membership,
    email: str,
    role: str,
    full_name: str = "",
    password: str | None = None,
) -> Membership:
    """Add a person to the tenant with `role`: a new user (with the initial `password`, or none:
    then they cannot sign in until one is set) or an existing user, who keeps their password.
    A current member is refused."""
    from accounts.services import user_create

    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use one of {', '.join(Role.values)}."})
    _check_may_manage(actor=actor, target=None, role=role)
    email = email.strip().lower()
    with tenant_context(tenant.id), transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        new_user = user is None
        if user is None:
            user = user_create(email=email, password=password, full_name=full_name.strip()[:200])
        elif Membership.objects.filter(tenant=tenant, user=user).exists():
            raise ValidationError({"email": f"{email} is already a member of this tenant."})
        membership = Membership.objects.create(tenant=tenant, user=user, role=role)
        _record_member_event(
            tenant=tenant, actor=actor, membership=membership, type="member.invited", new_user=new_user
        )
        return membership


def member_set_role(*, tenant: Tenant, actor: Membership, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use one of {', '.join(Role.values)}."})
    _check_may_manage(actor=actor, target=membership, role=role)
    with tenant_context(tenant.id), transaction.atomic():
        if role != Role.OWNER:
            _keep_an_owner(tenant, membership)
        if role == Role.CUSTOMER:
            TeamMembership.objects.filter(tenant=tenant, membership=membership).delete()  # teams are staff
        membership.role = role
        membership.save(update_fields=["role"])
        _record_member_event(
            tenant=tenant, actor=actor, membership=membership, type="member.updated", changed_fields=["role"]
        )
    return membership


def member_set_active(
    *, tenant: Tenant, actor: Membership, membership: Membership, active: bool
) -> Membership:
    """Deactivate (no sign-in, tokens refused, not assigned) or reactivate a member."""
    _check_may_manage(actor=actor, target=membership, role=None)
    with tenant_context(tenant.id), transaction.atomic():
        if not active:
            _keep_an_owner(tenant, membership)
        membership.deactivated_at = None if active else (membership.deactivated_at or timezone.now())
        membership.save(update_fields=["deactivated_at"])
        _record_member_event(
            tenant=tenant,
            actor=actor,
            membership=membership,
            type="member.updated",
            changed_fields=["active"],
        )
    return membership
