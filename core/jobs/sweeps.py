"""Re-queueing from sweeps without flooding the queue.

Beat sweeps re-queue work whose after-commit kick may have been lost (Redis down at that
moment). But work can also be pending because the workers are behind: then it is already
in the queue, and a sweep that re-queues it every 10 s adds a copy per run, so a backlog
feeds itself (measured: 1,000 tickets created through the API queued ~18,000 send-email
tasks for ~4,400 mails, and an invitation waited minutes behind them). A sweep therefore
queues the same item at most once per `within_seconds` (keep it shorter than any retry
backoff the sweep drives); the task itself stays idempotent.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from django.core.cache import cache


def requeue_once(task: Task, *, key: str, within_seconds: int, **kwargs: Any) -> bool:
    """Queue `task(**kwargs)` unless a sweep already queued `key` in the last `within_seconds`."""
    marker = f"sweep-requeued:{key}"
    if not cache.add(marker, 1, timeout=within_seconds):
        return False
    try:
        task.apply_async(kwargs=kwargs)
    except Exception:
        cache.delete(marker)  # not queued after all: the next sweep must try again
        raise
    return True
