"""Outbox subscriber: the invitation email for a member an admin added, from a worker."""

from __future__ import annotations

from django.db import transaction

from contracts.events import EventEnvelope
from events.idempotency import first_time


def handle(event: EventEnvelope) -> None:
    if event.type != "member.invited" or event.subject_id is None:
        return
    if not first_time("accounts-invitation", event):
        return
    from accounts.tasks import invitation_email

    args = (event.tenant_id, event.subject_id, bool(event.data.get("new_user")))
    transaction.on_commit(lambda: invitation_email.apply_async(args=args), robust=True)
