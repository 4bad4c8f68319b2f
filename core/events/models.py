"""Outbox rows (events waiting to be published) and subscriber idempotency keys."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.models import TenantOwned


class OutboxEvent(TenantOwned):
    """One domain event, written in the same transaction as the change it describes.

    The relay publishes it at least once (Redis Stream + subscribers) and then sets
    published_at. Rows are kept for a while for audit and replay, then pruned.
    """

    event_id = models.UUIDField()
    type = models.CharField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    visibility = models.CharField(max_length=10)
    subject_id = models.BigIntegerField(null=True, blank=True)
    envelope = models.JSONField(help_text="The whole contracts.events.EventEnvelope as JSON.")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    stream_id = models.CharField(
        max_length=40, blank=True, help_text="Id given by the tenant's Redis Stream."
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "event_id"], name="outbox_tenant_event_uniq"),
        ]
        indexes: ClassVar = [
            # The relay's sweep is platform work across tenants: oldest unpublished first.
            models.Index(
                fields=["id"],
                name="outbox_unpublished_idx",
                condition=models.Q(published_at__isnull=True),
            ),
            models.Index(fields=["tenant", "subject_id", "id"], name="outbox_tenant_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ProcessedEvent(TenantOwned):
    """Marks that `subscriber` has handled `event_id`: what makes subscribers idempotent."""

    subscriber = models.CharField(max_length=200)
    event_id = models.UUIDField()
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "subscriber", "event_id"], name="processed_event_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.event_id}"
