"""Writes to memberships that involve the user: joining a tenant, and the members an admin manages.

Member changes are recorded as events (member.invited / member.updated) in their transaction.
The member half of `tenancy.services`, here because it creates users and records events
(tenant-queries: allowed, as in any services module).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services.users import user_create
from accounts.session_registry import sessions_revoke
from contracts.events import Actor
from events.services import event_record
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, TeamMembership, Tenant
from tenancy.selectors import organization_for_email


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
    then they cannot sign in until one is set) or an existing user, who keeps their password
    unless their address was never verified (a self-service sign-up).
    A current member is refused."""
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
        elif not user.email_verified:
            # Anyone could have signed up with this address: the password is theirs, not
            # necessarily the invitee's. It goes; the invitation mails a link to choose one,
            # and the sessions made with the old password end with it.
            user.set_unusable_password()
            user.save(update_fields=["password"])
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
        _end_sessions_on_commit(tenant=tenant, membership=membership, reason="role changed")
    return membership


def _end_sessions_on_commit(*, tenant: Tenant, membership: Membership, reason: str) -> None:
    """The member's sessions and sockets in this tenant end once the change is committed: a
    socket authorized under the old role must not go on receiving what the new one may not."""
    user_id = membership.user_id
    transaction.on_commit(lambda: sessions_revoke(user_id=user_id, tenant_id=tenant.id, reason=reason))


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
        if not active:
            _end_sessions_on_commit(tenant=tenant, membership=membership, reason="deactivated")
    return membership
