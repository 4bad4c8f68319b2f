"""Celery tasks of the email channel: send one queued email; sweep emails whose kick was lost."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from email_channel.imap import mailbox_poll
from email_channel.outbound import send_now
from jobs.base import ReliableTask
from jobs.sweeps import requeue_once


@shared_task(base=ReliableTask, name="email_channel.tasks.send_email", ignore_result=True)
def send_email(*, tenant_id: int, email_id: int) -> bool:
    return send_now(tenant_id=tenant_id, email_id=email_id)


REQUEUE_SECONDS = 300  # a pending email is queued again by the sweep at most this often


@shared_task(base=ReliableTask, name="email_channel.tasks.sweep_pending", ignore_result=True)
def sweep_pending() -> int:
    """The after-commit kick can be lost (Redis down at that moment): send those emails anyway."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, email_id FROM email_pending_outbound(%s)", [500])
        rows = cursor.fetchall()
    return sum(
        requeue_once(
            send_email,
            key=f"email:{email_id}",
            within_seconds=REQUEUE_SECONDS,
            tenant_id=tenant_id,
            email_id=email_id,
        )
        for tenant_id, email_id in rows
    )


@shared_task(base=ReliableTask, name="email_channel.tasks.poll_mailboxes", ignore_result=True)
def poll_mailboxes() -> int:
    """Beat: one poll task per active mailbox, across tenants (ids from a SECURITY DEFINER function)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, mailbox_id FROM email_active_mailboxes()")
        rows = cursor.fetchall()
    for tenant_id, mailbox_id in rows:
        poll_mailbox.delay(tenant_id=tenant_id, mailbox_id=mailbox_id)
    return len(rows)


@shared_task(base=ReliableTask, name="email_channel.tasks.poll_mailbox", ignore_result=True)
def poll_mailbox(*, tenant_id: int, mailbox_id: int) -> str:
    """Poll one mailbox; its failures are recorded on the mailbox, not raised."""
    return mailbox_poll(tenant_id=tenant_id, mailbox_id=mailbox_id).status
