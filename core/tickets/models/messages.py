"""Messages on a ticket: public replies and internal notes, stored as sanitized HTML plus plain text."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned
from tickets.models.tickets import Channel, Ticket


class Message(TenantOwned):
    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_internal = models.BooleanField(default=False, help_text="Internal notes are never shown to customers.")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    body_html = models.TextField(help_text="Sanitized with nh3 before it is stored.")
    body_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "ticket", "id"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"message {self.pk} on ticket {self.ticket_id}"


class MessageArticle(TenantOwned):
    """A knowledge base article an agent linked in a message (also rendered into its body).

    Title and URL are kept as sent: the message shows what the customer was sent even if the
    article is later renamed or deleted (then `article` becomes null).
    """

    message = TenantForeignKey(Message, on_delete=models.CASCADE, related_name="article_links")
    article = TenantForeignKey(
        "kb.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="message_links"
    )
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        indexes: ClassVar = [models.Index(fields=["tenant", "message"], name="message_article_idx")]

    def __str__(self) -> str:
        return f"message {self.message_id} -> article {self.article_id}"
