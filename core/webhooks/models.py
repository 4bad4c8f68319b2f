"""Webhook subscriptions, one delivery per (subscription, event), and every attempt's result."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import TenantOwned


class WebhookSubscription(TenantOwned):
    url = models.URLField(max_length=2000)
    event_types = ArrayField(models.CharField(max_length=60), help_text="Event types sent to this URL.")
    secret = models.CharField(max_length=128, help_text="Signs each payload (HMAC-SHA256).")
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "is_active"], name="webhook_sub_active_idx")]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed", "failed (gave up)"


class WebhookDelivery(TenantOwned):
    """One event for one subscription; retried until it succeeds or 24 h have passed."""

    uuid = models.UUIDField(
        default=uuid.uuid4, help_text="Sent as X-Frontline-Delivery; receivers dedupe on it."
    )
    subscription = TenantForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "subscription", "event_id"], name="webhook_delivery_event_uniq"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "subscription", "-id"], name="webhook_delivery_sub_idx"),
            # The retry sweep: pending deliveries by due time (platform work, via a function).
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.subscription_id}"


class WebhookAttempt(TenantOwned):
    """The delivery log: one row per HTTP attempt, with the response code or the error."""

    delivery = TenantForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "delivery", "id"], name="webhook_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
