"""The outbox relay: publish pending events to the tenant's Redis Stream and subscribers.

At least once: a row is marked published only after its stream entry exists and
every subscriber returned. A failing subscriber leaves the row pending with a
growing back-off; the stream entry is not repeated (its id is kept on the row) and
subscribers that already succeeded skip it through their idempotency keys.

Pending tenants are found through a SECURITY DEFINER function that returns tenant ids
only, so the relay then works inside each tenant's own context, like a request.

tenant-queries: allowed (the relay is the outbox's writer, run per tenant context).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from contracts.events import EventEnvelope, stream_key
from events.models import OutboxEvent
from events.registry import subscribers
from events.streaming import stream_add_once
from tenancy.context import tenant_context

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 3600


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def redis_client() -> redis.Redis:
    return _redis_client(settings.REDIS_URL)


def pending_tenant_ids(limit: int = 1000) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id FROM events_pending_tenants(%s)", [limit])
        return [row[0] for row in cursor.fetchall()]


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2 ** min(attempts, 12)))


def _publish_row(row: OutboxEvent, client: redis.Redis) -> None:
    envelope = EventEnvelope.model_validate(row.envelope)
    if not row.stream_id:  # the request's commit hook may have added it: then its id
        row.stream_id = stream_add_once(client, envelope)
    for path, handle in subscribers():
        with transaction.atomic():  # a savepoint: one subscriber's DB error stays its own
            try:
                handle(envelope)
            except Exception as exc:
                raise SubscriberError(path, exc) from exc


class SubscriberError(Exception):
    def __init__(self, path: str, cause: Exception) -> None:
        super().__init__(f"{path}: {type(cause).__name__}: {cause}")
        self.path = path


def relay_tenant(tenant_id: int, *, batch: int = 200) -> int:
    """Publish up to `batch` due events of one tenant. Returns how many were published.

    Each event is claimed, handed to its subscribers and marked in a transaction of its own:
    the row locks a subscriber takes (a ticket's SLA clock, a report rollup) are held for one
    event, not for the whole batch. With one transaction for 200 events a soak run kept
    replies waiting on the ticket row for over a minute.
    """
    client = redis_client()
    published = 0
    now = timezone.now()
    with tenant_context(tenant_id):
        # The batch is what is due now; events its subscribers record wait for the next run.
        due = list(
            OutboxEvent.objects.filter(tenant_id=tenant_id, published_at__isnull=True)
            .exclude(next_attempt_at__gt=now)
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
    for row_id in due:
        with tenant_context(tenant_id):
            row = (
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(tenant_id=tenant_id, id=row_id, published_at__isnull=True)
                .first()
            )
            if row is None:
                continue  # another relay has it, or has published it
            try:
                _publish_row(row, client)
            except redis.RedisError as exc:
                # Redis is down: stop this tenant's batch; rows stay pending, in order.
                logger.warning("outbox relay: Redis unavailable (%s); will retry", exc)
                _mark_failed(row, exc)
                break
            except SubscriberError as exc:
                logger.exception("outbox relay: subscriber failed for %s", row.event_id)
                _mark_failed(row, exc)
                continue
            row.published_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["published_at", "stream_id", "last_error"])
            published += 1
    return published


def _mark_failed(row: OutboxEvent, exc: Exception) -> None:
    row.attempts += 1
    row.last_error = str(exc)[:2000]
    row.next_attempt_at = timezone.now() + _backoff(row.attempts)
    row.save(update_fields=["attempts", "last_error", "next_attempt_at", "stream_id"])


def relay_all(*, batch: int = 200) -> int:
    """Publish what is due for every tenant (the sweep, and the kick after commit)."""
    total = 0
    for tenant_id in pending_tenant_ids():
        total += relay_tenant(tenant_id, batch=batch)
    return total


def trim_streams(tenant_ids: list[int]) -> None:
    """Bound each stream by age as well as by length (XADD MAXLEN bounds the length)."""
    client = redis_client()
    min_ms = int(
        (timezone.now() - timedelta(seconds=settings.FRONTLINE_STREAM_MAX_AGE_SECONDS)).timestamp() * 1000
    )
    for tenant_id in tenant_ids:
        client.xtrim(stream_key(tenant_id), minid=f"{min_ms}-0", approximate=True)
