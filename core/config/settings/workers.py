"""Celery: the broker, one queue per kind of work, the beat schedule; the event streams."""

from __future__ import annotations

import os

from config.broker import broker_transport_options, queue_settings
from config.settings.base import DATA_DIR
from config.settings.data import REDIS_URL
from contracts.env import env_value

# -- Celery -----------------------------------------------------------------------
# Redis by default; RabbitMQ (amqp://) where an installation runs one (config/broker.py).
# The URL may carry the broker password, so it may come from a file (..._FILE).
CELERY_BROKER_URL = env_value("FRONTLINE_CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Unacknowledged messages of a dead worker come back after the visibility timeout, so it
# must exceed every task's run time and countdown (ReliableTask caps backoff at 10 min;
# webhook retries up to 24 h wait in the database, not in the broker).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("FRONTLINE_CELERY_VISIBILITY_TIMEOUT", str(3600)))
# Kombu looks for abandoned messages every interval x throttle seconds (10 x 10 by default,
# so a killed worker's task could wait ~100 s beyond the visibility timeout): scan every
# interval instead.
CELERY_RESTORE_INTERVAL = int(os.environ.get("FRONTLINE_CELERY_RESTORE_INTERVAL", "30"))
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(
    CELERY_BROKER_URL, visibility_timeout=CELERY_VISIBILITY_TIMEOUT, restore_interval=CELERY_RESTORE_INTERVAL
)
# A request that records an event must not hang while Redis is down: the kick gives up
# quickly and the beat sweep publishes the outbox row once Redis is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the broker connection drops finishes (and commits) instead of being
# killed: killed between its side effect (a mail written, a webhook posted) and its commit,
# it left the row pending and the side effect was repeated (seen in the Redis-stop fault
# test: one mail sent twice). Its lost ack only means a later idempotent re-run.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TRACK_STARTED = False
CELERY_TASK_ALWAYS_EAGER = False
# One queue per kind of work, so a 100k-row export or a retrain never waits in front of a
# password-reset mail. `scripts/serve.py worker --queues email` consumes one; a worker started
# without -Q (make run, the tests) consumes all of them.
CELERY_QUEUES_BY_PURPOSE = ("default", "email", "webhooks", "ai", "reports")
FRONTLINE_TASK_PURPOSES = {
    "email_channel.tasks.*": "email",
    "csat.tasks.*": "email",
    "notifications.tasks.*": "email",
    "webhooks.tasks.*": "webhooks",
    "triage.tasks.*": "ai",
    "kb.tasks.*": "ai",
    "reports.tasks.*": "reports",
    "privacy.tasks.*": "reports",
}
# A prefix on every queue name lets several installations (or test runs) share one broker.
FRONTLINE_CELERY_QUEUE_PREFIX = os.environ.get("FRONTLINE_CELERY_QUEUE_PREFIX", "")
_queues = queue_settings(FRONTLINE_CELERY_QUEUE_PREFIX, CELERY_QUEUES_BY_PURPOSE, FRONTLINE_TASK_PURPOSES)
CELERY_TASK_DEFAULT_QUEUE = _queues["task_default_queue"]
CELERY_TASK_QUEUES = _queues["task_queues"]
CELERY_TASK_ROUTES = _queues["task_routes"]
# ReliableTask's cap on the back-off between a task's retries, in seconds (jobs/base.py).
# The fault suite scales it to seconds, with the triage backfill below, so "the AI service is
# down for a while" takes seconds; keep it well below CELERY_VISIBILITY_TIMEOUT.
FRONTLINE_TASK_RETRY_BACKOFF_MAX = int(os.environ.get("FRONTLINE_TASK_RETRY_BACKOFF_MAX", "600"))
# How often the beat re-queues tickets the AI service has not answered for (it was down, or
# the kick was lost; triage/tasks.py).
FRONTLINE_TRIAGE_BACKFILL_SECONDS = float(os.environ.get("FRONTLINE_TRIAGE_BACKFILL_SECONDS", "120"))
# The backfill re-queues one ticket at most this often (the task retries itself meanwhile).
FRONTLINE_TRIAGE_REQUEUE_SECONDS = int(os.environ.get("FRONTLINE_TRIAGE_REQUEUE_SECONDS", "900"))
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "health.tasks.heartbeat", "schedule": 15.0},
    "outbox-sweep": {"task": "events.tasks.sweep_outbox", "schedule": 5.0},
    "triage-backfill": {"task": "triage.tasks.backfill", "schedule": FRONTLINE_TRIAGE_BACKFILL_SECONDS},
    "triage-retrain-due": {"task": "triage.tasks.retrain_due", "schedule": 3600.0},
    "kb-embed-backfill": {"task": "kb.tasks.embed_backfill", "schedule": 120.0},
    "webhook-due-deliveries": {"task": "webhooks.tasks.sweep_due_deliveries", "schedule": 10.0},
    "outbound-email-sweep": {"task": "email_channel.tasks.sweep_pending", "schedule": 10.0},
    "imap-poll": {
        "task": "email_channel.tasks.poll_mailboxes",
        "schedule": float(os.environ.get("FRONTLINE_IMAP_POLL_SECONDS", "60")),
    },
    "notification-digests": {"task": "notifications.tasks.send_digests", "schedule": 3600.0},
    "sla-sweep": {"task": "sla.tasks.sla_sweep", "schedule": 30.0},
    "time-rules": {"task": "automations.tasks.run_time_rules", "schedule": 300.0},
    "assign-waiting": {"task": "assignment.tasks.assign_waiting", "schedule": 60.0},
    "reports-catch-up": {"task": "reports.tasks.catch_up", "schedule": 300.0},
    "export-expiry": {"task": "reports.tasks.expire_exports", "schedule": 3600.0},
    "retention-sweep": {"task": "privacy.tasks.retention_sweep", "schedule": 3600.0},
}

# -- domain events ----------------------------------------------------------------
# Subscribers declare themselves with `events.registry.subscribes` (map: docs/architecture/EVENTS.md).

FRONTLINE_STREAM_MAXLEN = int(os.environ.get("FRONTLINE_STREAM_MAXLEN", "10000"))
FRONTLINE_STREAM_MAX_AGE_SECONDS = int(os.environ.get("FRONTLINE_STREAM_MAX_AGE_SECONDS", str(24 * 3600)))
