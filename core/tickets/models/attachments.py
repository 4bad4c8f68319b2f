"""Files attached to a ticket's messages; stored through Django's storage API under opaque names."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned
from tickets.models.messages import Message
from tickets.models.tickets import Ticket


class Attachment(TenantOwned):
    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    # Null until the upload is sent with a message; until then only its uploader and staff see it.
    message = TenantForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(max_length=300)
    filename = models.CharField(max_length=255, help_text="The uploader's name for it; never used as a path.")
    content_type = models.CharField(max_length=100, help_text="Sniffed from the content, not from the name.")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "ticket"], name="attachment_ticket_idx"),
            models.Index(fields=["tenant", "message"], name="attachment_message_idx"),
        ]

    def __str__(self) -> str:
        return self.filename
