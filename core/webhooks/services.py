"""Webhook subscriptions (create, change, delete) and the delivery of one event.

A delivery is retried with exponential backoff (30 s doubling, capped at 1 h, with
jitter) until it succeeds or 24 h after it was created; the waiting happens in the
database (next_attempt_at, picked up by the sweep), never in the broker. After
FRONTLINE_WEBHOOKS_DISABLE_AFTER consecutive failed attempts the subscription is
switched off with the reason, so a dead endpoint does not take a worker's time forever.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from contracts.events import EventEnvelope
from contracts.payloads import EVENT_TYPES
from tenancy.context import tenant_context
from tenancy.models import Tenant
from webhooks import signing, ssrf
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription
from webhooks.selectors import subscriptions_for_event

RETRY_WINDOW = timedelta(hours=24)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
TIMEOUT_SECONDS = 10


def _clean(url: str, event_types: list[str]) -> None:
    unknown = sorted(set(event_types) - EVENT_TYPES)
    if not event_types or unknown:
        raise ValidationError({"event_types": f"Choose from the known event types; unknown: {unknown}"})
    try:
        ssrf.resolve_target(url)
    except ssrf.UnsafeTargetError as exc:
        raise ValidationError({"url": str(exc)}) from exc


@transaction.atomic
def subscription_create(
    *, tenant: Tenant, url: str, event_types: list[str], secret: str | None = None
) -> WebhookSubscription:
    _clean(url, event_types)
    return WebhookSubscription.objects.create(
        tenant=tenant,
        url=url,
        event_types=sorted(set(event_types)),
        secret=secret or secrets.token_urlsafe(32),
    )


@transaction.atomic
def subscription_update(
    *, tenant: Tenant, subscription: WebhookSubscription, changes: dict[str, Any]
) -> WebhookSubscription:
    url = changes.get("url", subscription.url)
    event_types = changes.get("event_types", subscription.event_types)
    _clean(url, event_types)
    subscription.url = url
    subscription.event_types = sorted(set(event_types))
    if "is_active" in changes:
        subscription.is_active = bool(changes["is_active"])
        if subscription.is_active:  # switching back on starts a clean failure count
            subscription.consecutive_failures = 0
            subscription.disabled_reason = ""
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, tenant: Tenant, subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(tenant=tenant, id=subscription.id).delete()


def deliveries_create_for_event(*, event: EventEnvelope) -> list[int]:
    """One pending delivery per matching subscription (idempotent per event). Returns new ids."""
    created = []
    for subscription in subscriptions_for_event(tenant_id=event.tenant_id, event_type=event.type):
        delivery, is_new = WebhookDelivery.objects.get_or_create(
            tenant_id=event.tenant_id,
            subscription=subscription,
            event_id=event.id,
            defaults={"event_type": event.type, "payload": event.model_dump(mode="json")},
        )
        if is_new:
            created.append(delivery.id)
    return created


def _retry_delay(attempts: int) -> timedelta:
    base = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def _send(subscription: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Frontline-Webhooks/1",
        "X-Frontline-Event": delivery.event_type,
        "X-Frontline-Delivery": str(delivery.uuid),
        "X-Frontline-Timestamp": str(timestamp),
        "X-Frontline-Signature": signing.sign(subscription.secret, timestamp, body),
    }
    try:
        return ssrf.post(subscription.url, body, headers, timeout=TIMEOUT_SECONDS), ""
    except ssrf.UnsafeTargetError as exc:
        return None, f"refused: {exc}"[:500]
    except OSError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]


def delivery_attempt(*, tenant_id: int, delivery_id: int) -> str:
    """Try one due delivery now; returns its status afterwards ("skipped" if not due or busy).

    The row stays locked during the HTTP call, so two workers never send it at once; a
    worker killed mid-call rolls back and the delivery is sent again (same delivery id).
    """
    with tenant_context(tenant_id):
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(tenant_id=tenant_id, id=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        now = timezone.now()
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return "skipped"
        subscription = delivery.subscription
        if not subscription.is_active:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = "subscription disabled"
            delivery.save(update_fields=["status", "last_error"])
            return delivery.status
        started = time.monotonic()
        code, error = _send(subscription, delivery)
        ok = code is not None and 200 <= code < 300
        WebhookAttempt.objects.create(
            tenant_id=tenant_id,
            delivery=delivery,
            status_code=code,
            error=error or ("" if ok else f"HTTP {code}"),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempts += 1
        delivery.last_status_code = code
        delivery.last_error = error or ("" if ok else f"HTTP {code}")
        if ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            subscription.consecutive_failures = 0
        else:
            next_at = timezone.now() + _retry_delay(delivery.attempts)
            if next_at - delivery.created_at > RETRY_WINDOW:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = next_at
            subscription.consecutive_failures += 1
            if subscription.consecutive_failures >= settings.FRONTLINE_WEBHOOKS_DISABLE_AFTER:
                subscription.is_active = False
                subscription.disabled_reason = (
                    f"Disabled after {subscription.consecutive_failures} failed attempts in a row "
                    f"(last: {delivery.last_error})"
                )[:300]
        delivery.save()
        subscription.save(update_fields=["consecutive_failures", "is_active", "disabled_reason"])
        return delivery.status


def due_deliveries(limit: int = 500) -> dict[tuple[int, int], int]:
    """Pending deliveries that are due, across tenants (ids only): (tenant_id, delivery_id) to
    the number of attempts made so far, which names the attempt a retry is queued for."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, delivery_id, attempts FROM webhooks_due_deliveries(%s)", [limit])
        return {(row[0], row[1]): row[2] for row in cursor.fetchall()}
