"""Domain events of ticketing: every ticket service records its events through `emit`.

`emit` writes to the events app's outbox in the caller's transaction; the relay
publishes after commit (to the tenant's Redis Stream and the subscribers).
"""

from __future__ import annotations

from typing import Any

from contracts.events import Actor, EventEnvelope, Visibility
from events.services import event_record
from tenancy.models import Membership


def actor_for(member: Membership | None, *, via: str = "") -> Actor:
    if member is None:
        return Actor(kind="system", name=via)
    return Actor(kind="user", id=member.user_id, name=member.user.full_name or member.user.email)


def emit(
    *,
    tenant_id: int,
    type: str,
    data: dict[str, Any],
    actor: Actor,
    visibility: Visibility,
    subject_id: int | None,
) -> EventEnvelope:
    return event_record(
        tenant_id=tenant_id, type=type, data=data, actor=actor, visibility=visibility, subject_id=subject_id
    )
