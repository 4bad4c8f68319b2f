"""The ticket, its per-tenant number counter, followers and links between tickets."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, Team, TenantOwned
from tickets.models.statuses import CustomStatus, StatusCategory


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketType(models.TextChoices):
    QUESTION = "question"
    INCIDENT = "incident"
    PROBLEM = "problem"
    TASK = "task"


class Channel(models.TextChoices):
    PORTAL = "portal"
    EMAIL = "email"
    API = "api"
    AGENT = "agent"
    SYSTEM = "system"


class TicketCounter(TenantOwned):
    """The last ticket number given out in a tenant; its row lock serialises numbering."""

    last_number = models.BigIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant"], name="ticketcounter_tenant_uniq")]

    def __str__(self) -> str:
        return f"tenant {self.tenant_id}: {self.last_number}"


# The categories the inbox calls active (portal `ACTIVE`): the partial indexes' predicate.
ACTIVE_STATUSES = (StatusCategory.NEW, StatusCategory.OPEN, StatusCategory.PENDING, StatusCategory.ON_HOLD)
ACTIVE_TICKETS = models.Q(status__in=[str(s) for s in ACTIVE_STATUSES])


class Ticket(TenantOwned):
    number = models.BigIntegerField()
    subject = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=StatusCategory.choices, default=StatusCategory.NEW)
    custom_status = TenantForeignKey(
        CustomStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(max_length=10, choices=TicketType.choices, default=TicketType.QUESTION)
    category = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    requester = TenantForeignKey(Membership, on_delete=models.PROTECT, related_name="requested_tickets")
    assignee = TenantForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = TenantForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    merged_into = TenantForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Filled later by AI triage, each with its confidence and the model that said so.
    ai_category = models.CharField(max_length=100, blank=True)
    ai_category_confidence = models.FloatField(null=True, blank=True)
    ai_priority = models.CharField(max_length=10, blank=True)
    ai_priority_confidence = models.FloatField(null=True, blank=True)
    ai_sentiment = models.CharField(max_length=20, blank=True)
    ai_sentiment_confidence = models.FloatField(null=True, blank=True)
    ai_language = models.CharField(max_length=10, blank=True)
    ai_language_confidence = models.FloatField(null=True, blank=True)
    ai_model_version = models.CharField(max_length=50, blank=True)

    # Subject (weight A) and public messages (B): what a customer may find their ticket by.
    search_vector = SearchVectorField(null=True, editable=False)
    # Internal notes, searchable by staff only.
    internal_search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "number"], name="ticket_tenant_number_uniq")
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["tenant", "status", "-updated_at", "-id"], name="ticket_status_idx"),
            models.Index(fields=["tenant", "assignee", "status"], name="ticket_assignee_idx"),
            models.Index(fields=["tenant", "requester", "-id"], name="ticket_requester_idx"),
            models.Index(fields=["tenant", "team", "status"], name="ticket_team_idx"),
            # The inbox's default views (All open, Mine, Unassigned: the active categories,
            # newest change first): partial indexes the planner walks in order and stops after
            # a page, where a multi-value `status IN (...)` on ticket_status_idx would make it
            # sort every active ticket of the tenant first.
            models.Index(
                fields=["tenant", "-updated_at", "-id"], name="ticket_active_idx", condition=ACTIVE_TICKETS
            ),
            models.Index(
                fields=["tenant", "assignee", "-updated_at", "-id"],
                name="ticket_active_assignee_idx",
                condition=ACTIVE_TICKETS,
            ),
            models.Index(
                fields=["tenant", "-updated_at", "-id"],
                name="ticket_active_unassigned_idx",
                condition=ACTIVE_TICKETS & models.Q(assignee__isnull=True),
            ),
            # A customer's own queue, walked in order whatever their number of tickets.
            models.Index(
                fields=["tenant", "requester", "-updated_at", "-id"], name="ticket_requester_queue_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def status_key(self) -> str:
        """The status as shown: the custom status's key, else the category."""
        return self.custom_status.key if self.custom_status_id and self.custom_status else self.status


class TicketFollower(TenantOwned):
    """Someone copied on a ticket's updates (a CC for a customer, a follower for an agent)."""

    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="follower_links")
    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "ticket", "membership"], name="ticketfollower_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} follows {self.ticket_id}"


class LinkKind(models.TextChoices):
    RELATED = "related"
    DUPLICATE_OF = "duplicate_of"
    PARENT_OF = "parent_of"


class TicketLink(TenantOwned):
    """`source` <kind> `target`: related to, duplicate of, parent of."""

    source = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "source", "target", "kind"], name="ticketlink_uniq"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="ticketlink_not_self"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "target"], name="ticketlink_target_idx")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
