"""Jobs: deferring work to Celery after commit, the reliable task base and the dead letters."""

from jobs.enqueue import enqueue_on_commit, pending_clear, task_name

__all__ = ["enqueue_on_commit", "pending_clear", "task_name"]
