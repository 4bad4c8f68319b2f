"""Celery tasks of webhooks: send one delivery, and the sweep that retries due ones."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from webhooks.services import delivery_attempt, due_deliveries


@shared_task(base=ReliableTask, name="webhooks.tasks.deliver", ignore_result=True)
def deliver(*, tenant_id: int, delivery_id: int) -> str:
    return delivery_attempt(tenant_id=tenant_id, delivery_id=delivery_id)


@shared_task(base=ReliableTask, name="webhooks.tasks.sweep_due_deliveries", ignore_result=True)
def sweep_due_deliveries() -> int:
    due = due_deliveries()
    for tenant_id, delivery_id in due:
        deliver.delay(tenant_id=tenant_id, delivery_id=delivery_id)
    return len(due)
