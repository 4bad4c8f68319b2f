"""In-app notifications, per-member preferences and per-tenant email templates."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned


class Channel(models.TextChoices):
    IN_APP = "in_app"
    EMAIL = "email"


class Mode(models.TextChoices):
    IMMEDIATE = "immediate"
    DIGEST = "digest", "in a digest (email only)"
    OFF = "off"


class Notification(TenantOwned):
    recipient = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    kind = models.CharField(max_length=60, help_text="The event type that caused it.")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest_pending = models.BooleanField(default=False, help_text="Waiting for the member's email digest.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            # One notification per member per event: what makes the subscriber idempotent.
            models.UniqueConstraint(
                fields=["tenant", "recipient", "event_id"], name="notification_event_uniq"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "recipient", "-id"], name="notification_recipient_idx"),
            models.Index(
                fields=["tenant", "recipient"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(TenantOwned):
    """No row means immediate: members opt out or into digests per event type and channel."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "event_type", "channel"], name="notification_pref_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type}/{self.channel}: {self.mode}"


class NotificationTemplate(TenantOwned):
    """A tenant's own wording of one email (Django template syntax); defaults live in code."""

    event_type = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "event_type"], name="notification_template_uniq"),
        ]

    def __str__(self) -> str:
        return self.event_type
