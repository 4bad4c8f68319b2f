"""Outbox subscriber: the invitation email for a member an admin added, from a worker."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import queue_once_after_commit


def handle(event: EventEnvelope) -> None:
    if event.type != "member.invited" or event.subject_id is None:
        return
    from accounts.tasks import invitation_email

    args = (event.tenant_id, event.subject_id, bool(event.data.get("new_user")))
    queue_once_after_commit("accounts-invitation", event, invitation_email, args)
