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
    attachments_refused = models.JSONField(
        default=list, blank=True, help_text="Attachments not stored (too large, a program...), with why."
    )
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


class Mailbox(TenantOwned):
    """A tenant's own mailbox polled over IMAP; its mail opens tickets like the SMTP receiver's.

    The password is stored encrypted (`email_channel.secrets`) and never read back through
    the API or the admin. `last_uid` and `uid_validity` make polling resume where it stopped.
    """

    class Security(models.TextChoices):
        SSL = "ssl", "TLS from the start (IMAPS, usually port 993)"
        STARTTLS = "starttls", "STARTTLS (usually port 143)"
        NONE = "none", "None (tests and local servers only)"

    address = models.EmailField(help_text="The address customers write to; never becomes a follower.")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=255)
    password_encrypted = models.TextField(editable=False, default="")
    folder = models.CharField(max_length=200, default="INBOX")
    processed_folder = models.CharField(
        max_length=200, blank=True, help_text="Move processed mail here; empty: only mark it seen."
    )
    active = models.BooleanField(default=True)
    uid_validity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    messages_ingested = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "address"], name="mailbox_address_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.host})"
