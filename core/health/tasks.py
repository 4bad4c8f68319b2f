"""Beat schedules this heartbeat every 15 s; a worker runs it; /healthz reports its age."""

import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_KEY = "health:worker-heartbeat"


@shared_task(name="health.tasks.heartbeat", ignore_result=True)
def heartbeat() -> float:
    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=3600)
    return now
