"""Celery tasks of the email channel: send one queued email; sweep emails whose kick was lost."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from email_channel.outbound import send_now
from jobs.base import ReliableTask


@shared_task(base=ReliableTask, name="email_channel.tasks.send_email", ignore_result=True)
def send_email(*, tenant_id: int, email_id: int) -> bool:
    return send_now(tenant_id=tenant_id, email_id=email_id)


@shared_task(base=ReliableTask, name="email_channel.tasks.sweep_pending", ignore_result=True)
def sweep_pending() -> int:
    """The after-commit kick can be lost (Redis down at that moment): send those emails anyway."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, email_id FROM email_pending_outbound(%s)", [500])
        rows = cursor.fetchall()
    for tenant_id, email_id in rows:
        send_email.delay(tenant_id=tenant_id, email_id=email_id)
    return len(rows)
