"""Celery tasks of webhooks: send one delivery, and the sweep that retries due ones."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from jobs.sweeps import requeue_once
from webhooks.services import delivery_attempt, due_deliveries


@shared_task(base=ReliableTask, name="webhooks.tasks.deliver", ignore_result=True)
def deliver(*, tenant_id: int, delivery_id: int) -> str:
    return delivery_attempt(tenant_id=tenant_id, delivery_id=delivery_id)


# A due attempt is queued again by the sweep at most this often. The marker names the attempt,
# so a failed attempt's retry (the next attempt number) is queued by the next sweep at once.
REQUEUE_SECONDS = 120


@shared_task(base=ReliableTask, name="webhooks.tasks.sweep_due_deliveries", ignore_result=True)
def sweep_due_deliveries() -> int:
    """Queue each due attempt once: while workers are behind, not a copy per run."""
    return sum(
        requeue_once(
            deliver,
            key=f"webhook:{delivery_id}:attempt:{attempts + 1}",
            within_seconds=REQUEUE_SECONDS,
            tenant_id=tenant_id,
            delivery_id=delivery_id,
        )
        for (tenant_id, delivery_id), attempts in due_deliveries().items()
    )
