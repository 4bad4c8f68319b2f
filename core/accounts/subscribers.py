"""Outbox subscriber: the invitation email for a member an admin added, from a worker."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes
from jobs import enqueue_on_commit, task_name

INVITATION_EMAIL = task_name("accounts.tasks.invitation_email")


@subscribes("member.invited", name="accounts-invitation", order=90, when=[has_subject], once=True)
def handle(event: EventEnvelope) -> None:
    """Queue the invitation email."""
    enqueue_on_commit(
        INVITATION_EMAIL,
        tenant_id=event.tenant_id,
        membership_id=event.subject_id,
        new_user=bool(event.data.get("new_user")),
    )
