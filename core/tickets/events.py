"""Domain events of ticketing: one place that calls the events app's outbox recorder.

Services call `emit(...)`, which is `events.services.event_record` when the events app
is installed. Until then it validates the envelope and drops it, so services are ready.
"""

from __future__ import annotations

from typing import Any

from contracts.events import Actor, EventEnvelope, Visibility
from tenancy.models import Membership


def _fallback_record(
    *, tenant_id: int, type: str, data: dict, actor: Actor, visibility: Visibility, subject_id: int | None
) -> EventEnvelope:
    return EventEnvelope(
        tenant_id=tenant_id, type=type, data=data, actor=actor, visibility=visibility, subject_id=subject_id
    )


try:  # the outbox lands with the events app
    from events.services import event_record as _record  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - until then
    _record = _fallback_record


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
    return _record(
        tenant_id=tenant_id, type=type, data=data, actor=actor, visibility=visibility, subject_id=subject_id
    )
