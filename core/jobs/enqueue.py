"""Deferring work to a Celery task once the current transaction commits: the one way to do it.

The task is sent by name, so a service never imports its app's `tasks` module (tasks import
services, never the reverse), and Celery routes the name to its purpose queue by the
settings' task routes as it does any task. Names are declared with `task_name`, which keeps
a list a test checks against the registered tasks: a typo fails the test, not a commit.

Robust: once the transaction has committed, a broker failure is logged, never raised into
the request that committed. The work is not lost: each kind of deferred work has a sweep or
backfill that queues what a lost message left behind.
"""

from __future__ import annotations

import logging
from typing import Any, NewType

from celery import current_app
from django.core.cache import cache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

TaskName = NewType("TaskName", str)

# Every name declared by `task_name`, as modules are imported.
DECLARED_TASK_NAMES: set[TaskName] = set()


def task_name(name: str) -> TaskName:
    """Declare the name of a task some module sends (the name its `@shared_task` gives)."""
    declared = TaskName(name)
    DECLARED_TASK_NAMES.add(declared)
    return declared


class _SendAfterCommit:
    """The on-commit callback: a named object, so a transaction's pending sends can be read
    back from the connection (`requeue_key`)."""

    def __init__(
        self,
        name: TaskName,
        kwargs: dict[str, Any],
        queue: str | None,
        requeue_key: str | None,
        pending_seconds: int | None,
    ) -> None:
        self.task_name = name
        self.kwargs = kwargs
        self.queue = queue
        self.requeue_key = requeue_key
        self.pending_seconds = pending_seconds

    def __call__(self) -> None:
        if not self._first_pending():
            return
        options: dict[str, Any] = {"queue": self.queue} if self.queue else {}
        try:
            current_app.send_task(self.task_name, kwargs=self.kwargs, **options)
        except Exception:
            logger.warning("Could not queue %s after commit; its sweep will", self.task_name, exc_info=True)
            if self.pending_seconds is not None and self.requeue_key is not None:
                pending_clear(self.requeue_key)  # not queued after all: the next commit tries again

    def _first_pending(self) -> bool:
        if self.pending_seconds is None or self.requeue_key is None:
            return True
        try:
            return bool(cache.add(self.requeue_key, 1, timeout=self.pending_seconds))
        except Exception:  # the cache unreachable: send anyway (the task is idempotent)
            logger.warning("%s: cache unreachable, sent unchecked", self.task_name, exc_info=True)
            return True


def enqueue_on_commit(
    name: TaskName,
    *,
    requeue_key: str | None = None,
    pending_seconds: int | None = None,
    queue: str | None = None,
    **kwargs: Any,
) -> None:
    """Send task `name` with `kwargs` once the current transaction commits (at once outside
    one). `queue` overrides the route (rarely: the routes pick the purpose queue).

    `requeue_key`: work that one message does for everybody (the outbox relay). The
    transaction queues at most one message per key, however often it asks. With
    `pending_seconds` as well, a message queued by an earlier transaction within that time
    that has not started yet also counts: the task calls `pending_clear(key)` as it starts,
    and the key (also the cache key of that marker) expires by itself if a message is lost.
    """
    if pending_seconds is not None and requeue_key is None:
        raise ValueError("pending_seconds needs a requeue_key")
    if requeue_key is not None and _queued_in_this_transaction(requeue_key):
        return
    transaction.on_commit(_SendAfterCommit(name, kwargs, queue, requeue_key, pending_seconds), robust=True)


def _queued_in_this_transaction(requeue_key: str) -> bool:
    # Read from the connection rather than kept aside: a rolled-back savepoint drops its callbacks.
    return any(getattr(entry[1], "requeue_key", None) == requeue_key for entry in connection.run_on_commit)


def pending_clear(requeue_key: str) -> None:
    """Called by a task as it starts, before it reads its work: a commit after this point
    queues another message."""
    try:
        cache.delete(requeue_key)
    except Exception:  # the marker expires by itself
        logger.warning("%s: cache unreachable, pending marker left to expire", requeue_key, exc_info=True)
