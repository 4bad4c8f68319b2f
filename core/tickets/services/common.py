"""Helpers shared by the ticket services: lookups inside the tenant, history rows and event data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from accounts.selectors import membership_with_user
from contracts.events import Visibility
from tenancy.models import Membership, Team, Tenant
from tickets.events import actor_for, emit
from tickets.models import CustomStatus, StatusCategory, Ticket, TicketChange, TicketFollower


def membership_in_tenant(
    *, tenant: Tenant, membership_id: int, field: str, staff: bool = False
) -> Membership:
    member = membership_with_user(tenant=tenant, membership_id=membership_id)
    if member is None:
        raise ValidationError({field: f"No member {membership_id} in this tenant."})
    if staff and not member.is_staff_role:
        raise ValidationError({field: "Only agents, admins and owners can be assigned."})
    return member


def team_in_tenant(*, tenant: Tenant, team_id: int) -> Team:
    team = Team.objects.filter(tenant=tenant, id=team_id).first()
    if team is None:
        raise ValidationError({"team_id": f"No team {team_id} in this tenant."})
    return team


def resolve_status(*, tenant: Tenant, value: str) -> tuple[str, CustomStatus | None]:
    """A status key -> (category, custom status or None). Categories and custom keys both work."""
    if value in StatusCategory.values:
        return value, None
    custom = CustomStatus.objects.filter(tenant=tenant, key=value).first()
    if custom is None:
        raise ValidationError({"status": f"Unknown status {value!r}."})
    return custom.category, custom


def status_key(ticket: Ticket) -> str:
    return ticket.custom_status.key if ticket.custom_status is not None else ticket.status


def _follower_ids(ticket: Ticket) -> list[int]:
    """Follower ids, read once per ticket instance (a service may emit several events)."""
    cached: list[int] | None = getattr(ticket, "_event_follower_ids", None)
    if cached is None:
        cached = sorted(
            TicketFollower.objects.filter(tenant_id=ticket.tenant_id, ticket=ticket).values_list(
                "membership_id", flat=True
            )
        )
        ticket._event_follower_ids = cached  # type: ignore[attr-defined]
    return cached


def ticket_event_data(
    ticket: Ticket, *, follower_ids: list[int] | None = None, **extra: Any
) -> dict[str, Any]:
    """What every ticket event carries (contracts.payloads.TicketPayload); the realtime
    gateway filters customers on the requester, notifications use the followers (read
    from the database unless the caller knows them)."""
    return {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "status": ticket.status,
        "subject": ticket.subject,
        "requester_membership_id": ticket.requester_id,
        "assignee_membership_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "follower_membership_ids": _follower_ids(ticket) if follower_ids is None else follower_ids,
        **extra,
    }


def emit_ticket_event(
    *,
    ticket: Ticket,
    type: str,
    actor: Membership | None,
    via: str,
    visibility: Visibility,
    follower_ids: list[int] | None = None,
    **extra: Any,
) -> None:
    emit(
        tenant_id=ticket.tenant_id,
        type=type,
        data=ticket_event_data(ticket, follower_ids=follower_ids, **extra),
        actor=actor_for(actor, via=via),
        visibility=visibility,
        subject_id=ticket.id,
    )


def record_changes(
    *, ticket: Ticket, actor: Membership | None, via: str, changes: dict[str, tuple[Any, Any]]
) -> None:
    """One history row per changed field (old and new as JSON)."""
    TicketChange.objects.bulk_create(
        [
            TicketChange(
                tenant_id=ticket.tenant_id, ticket=ticket, actor=actor, via=via, field=name, old=old, new=new
            )
            for name, (old, new) in changes.items()
        ]
    )
