"""Outbound mail (an outbox with a dedupe key), known Message-IDs, inbound mail and quarantine."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.models import TenantOwned


class OutboundEmail(TenantOwned):
    """One email to send. The dedupe key makes queueing idempotent; `status` makes sending so."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"

    dedupe_key = models.CharField(max_length=200)
    to_address = models.EmailField()
    from_address = models.CharField(max_length=300)
    reply_to = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=300)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "dedupe_key"], name="outbound_email_dedupe_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to_address}"


class KnownMessageId(TenantOwned):
    """Every Message-ID we received or sent, and its ticket: threading, dedupe and loop checks."""

    class Direction(models.TextChoices):
        INBOUND = "in"
        OUTBOUND = "out"

    message_id = models.CharField(max_length=300)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "message_id"], name="known_message_id_uniq"),
        ]

    def __str__(self) -> str:
        return self.message_id


class InboundEmail(TenantOwned):
    """Accepted inbound mail, with the full original kept next to the ticket it joined."""

    message_id = models.CharField(max_length=300)
    from_address = models.CharField(max_length=300)
    subject = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    body_text = models.TextField(blank=True, help_text="The new text, quotes and signature removed.")
    ticket_id = models.BigIntegerField(null=True, blank=True)
    created_ticket = models.BooleanField(default=False)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "-id"], name="inbound_email_recent_idx")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"


class QuarantinedEmail(models.Model):
    """Mail we refused, with the reason: nothing is dropped silently.

    A platform record (operators, admin): the tenant may be unknown (wrong address).
    """

    # Named apart from tenant_id: this platform table is not tenant data (no RLS policy).
    about_tenant_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=60)
    detail = models.CharField(max_length=500, blank=True)
    mail_from = models.CharField(max_length=300, blank=True)
    rcpt_to = models.CharField(max_length=1000, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["-received_at"], name="quarantine_recent_idx")]

    def __str__(self) -> str:
        return f"{self.reason}: {self.subject}"
