"""Triggers (on events), time-based rules, macros, and the record of what each rule did."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned
from tickets.models import Ticket


class Trigger(TenantOwned):
    """When one of `events` happens and `conditions` hold, run `actions` (in position order)."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    events = models.JSONField(default=list, help_text="Event types, e.g. ['ticket.created'].")
    conditions = models.JSONField(default=dict, blank=True, help_text="automations.schemas.Conditions")
    actions = models.JSONField(default=list, help_text="automations.schemas.Actions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="trigger_tenant_name_uniq")
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "position", "id"], name="trigger_order_idx")]

    def __str__(self) -> str:
        return self.name


class TimeRule(TenantOwned):
    """Hourly: tickets `hours` past an instant, in one of the statuses, get `actions` once."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    timing = models.JSONField(help_text="automations.schemas.TimeCondition")
    conditions = models.JSONField(default=dict, blank=True, help_text="automations.schemas.Conditions")
    actions = models.JSONField(default=list, help_text="automations.schemas.Actions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="timerule_tenant_name_uniq")
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "position", "id"], name="timerule_order_idx")]

    def __str__(self) -> str:
        return self.name


class RuleRun(TenantOwned):
    """One firing of a trigger or time rule on a ticket: the audit trail and the loop guard's count."""

    class Kind(models.TextChoices):
        TRIGGER = "trigger"
        TIME_RULE = "time_rule"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    rule_id = models.BigIntegerField()
    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField(null=True, blank=True)
    # For time rules: the instant the hours were counted from; a rule fires once per anchor.
    anchor = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, default="applied")
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "rule_id", "ticket", "anchor"], name="rulerun_time_once_uniq"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "ticket", "created_at"], name="rulerun_ticket_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.rule_id} on {self.ticket_id}"


class Delivery(TenantOwned):
    """An outgoing email, notification or webhook call a rule asked for, sent by a worker task."""

    class Kind(models.TextChoices):
        EMAIL = "email"
        NOTIFY = "notify"
        WEBHOOK = "webhook"

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=40, help_text="trigger:<id> or time_rule:<id>")
    target = models.TextField(help_text="Email address, membership ids or URL.")
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "status", "id"], name="delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.ticket_id}: {self.status}"


class Macro(TenantOwned):
    """A named bundle of field changes and a reply with placeholders, applied by an agent in one call."""

    name = models.CharField(max_length=100)
    owner = TenantForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: shared with every agent; else personal.",
    )
    actions = models.JSONField(default=list, blank=True, help_text="automations.schemas.MacroActions")
    reply_text = models.TextField(blank=True)
    reply_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "owner", "name"], name="macro_owner_idx")]

    def __str__(self) -> str:
        return self.name
