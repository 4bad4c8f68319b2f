"""ReliableTask: the base class of every task that has side effects.

No loss: the message is acknowledged only after the task returns (acks_late) and goes
back to the queue if the worker process dies (reject_on_worker_lost); the worker takes
one message at a time (prefetch 1, settings). Failures retry with exponential backoff
and full jitter, capped well below the broker's visibility timeout (a countdown longer
than that would be delivered twice). When retries run out, a DeadLetter row keeps the
call for an operator to inspect and re-drive from the admin.

Tasks must be idempotent: at least once is all a broker can promise, so each task
checks a key (an event id, a delivery row's state) before its side effect.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.conf import settings

from jobs.services import dead_letter_record

logger = logging.getLogger(__name__)


class ReliableTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (Exception,)
    retry_backoff = 2
    retry_backoff_max = settings.FRONTLINE_TASK_RETRY_BACKOFF_MAX  # 600 s unless scaled down
    retry_jitter = True
    max_retries = 8

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        try:
            dead_letter_record(
                task_name=self.name,
                task_id=task_id,
                args=list(args or []),
                kwargs=dict(kwargs or {}),
                retries=self.request.retries,
                exception=f"{type(exc).__name__}: {exc}",
                traceback=str(einfo or ""),
            )
        except Exception:
            # The database is what failed too: the log is the record of last resort.
            logger.exception("could not write a dead letter for %s %s", self.name, task_id)
        super().on_failure(exc, task_id, args, kwargs, einfo)
