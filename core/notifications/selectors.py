"""Read access to notifications, preferences and templates."""

from __future__ import annotations

from django.db.models import QuerySet

from notifications.models import Notification, NotificationPreference, NotificationTemplate
from tenancy.models import STAFF_ROLES, Membership, Team, Tenant


def notification_list(
    *, tenant: Tenant, membership: Membership, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    qs = Notification.objects.filter(tenant=tenant, recipient=membership)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-id")[:limit])


def unread_count(*, tenant: Tenant, membership: Membership) -> int:
    return Notification.objects.filter(tenant=tenant, recipient=membership, read_at__isnull=True).count()


def preferences_for(
    *, tenant_id: int, membership_ids: list[int], event_type: str
) -> dict[tuple[int, str], str]:
    rows = NotificationPreference.objects.filter(
        tenant_id=tenant_id, membership_id__in=membership_ids, event_type=event_type
    ).values_list("membership_id", "channel", "mode")
    return {(m, c): mode for m, c, mode in rows}


def preference_list(*, tenant: Tenant, membership: Membership) -> QuerySet[NotificationPreference]:
    return NotificationPreference.objects.filter(tenant=tenant, membership=membership).order_by(
        "event_type", "channel"
    )


def template_for(*, tenant_id: int, event_type: str) -> NotificationTemplate | None:
    return NotificationTemplate.objects.filter(tenant_id=tenant_id, event_type=event_type).first()


def memberships_by_id(*, tenant_id: int, ids: list[int]) -> dict[int, Membership]:
    qs = Membership.objects.filter(tenant_id=tenant_id, id__in=ids).select_related("user")
    return {m.id: m for m in qs}


def team_staff(*, tenant_id: int, team_id: int) -> list[int] | None:
    """The staff members of a team; None when there is no such team."""
    team = Team.objects.filter(tenant_id=tenant_id, id=team_id).first()
    if team is None:
        return None
    return list(team.members.filter(role__in=STAFF_ROLES).order_by("id").values_list("id", flat=True))


def staff_pool(*, tenant_id: int, team_id: int | None) -> list[int]:
    """The team's members, or every staff member when the ticket has no team."""
    if team_id is not None:
        members = team_staff(tenant_id=tenant_id, team_id=team_id)
        if members is not None:
            return members
    return list(
        Membership.objects.filter(tenant_id=tenant_id, role__in=STAFF_ROLES, deactivated_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )


def digest_due(*, tenant_id: int) -> dict[int, list[Notification]]:
    out: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(tenant_id=tenant_id, digest_pending=True).order_by("id"):
        out.setdefault(n.recipient_id, []).append(n)
    return out
