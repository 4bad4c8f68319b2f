"""Celery tasks of the email channel: send one queued email."""

from __future__ import annotations

from celery import shared_task

from email_channel.outbound import send_now
from jobs.base import ReliableTask


@shared_task(base=ReliableTask, name="email_channel.tasks.send_email", ignore_result=True)
def send_email(*, tenant_id: int, email_id: int) -> bool:
    return send_now(tenant_id=tenant_id, email_id=email_id)
