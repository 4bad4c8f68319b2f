"""Read access to webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.db.models import QuerySet

from tenancy.models import Tenant
from webhooks.models import WebhookDelivery, WebhookSubscription


def subscription_list(*, tenant: Tenant) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(tenant=tenant).order_by("id")


def subscription_get(*, tenant: Tenant, subscription_id: int) -> WebhookSubscription | None:
    return WebhookSubscription.objects.filter(tenant=tenant, id=subscription_id).first()


def subscriptions_for_event(*, tenant_id: int, event_type: str) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(
        tenant_id=tenant_id, is_active=True, event_types__contains=[event_type]
    ).order_by("id")


def delivery_list(
    *, tenant: Tenant, subscription: WebhookSubscription, limit: int = 100
) -> list[WebhookDelivery]:
    return list(
        WebhookDelivery.objects.filter(tenant=tenant, subscription=subscription)
        .prefetch_related("attempt_log")
        .order_by("-id")[:limit]
    )
