"""The change history of tickets: one append-only row per field change or message."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned
from tickets.models.tickets import Ticket


class TicketChange(TenantOwned):
    append_only = True

    # PROTECT: history is kept forever (the app role may not update or delete it).
    ticket = TenantForeignKey(Ticket, on_delete=models.PROTECT, related_name="changes")
    actor = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=40, help_text="Channel or rule the change came through.")
    field = models.CharField(max_length=60)
    old = models.JSONField(null=True)
    new = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "ticket", "id"], name="ticketchange_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}.{self.field}: {self.old!r} -> {self.new!r}"
