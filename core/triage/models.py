"""Triage records: each AI prediction with its fate (the feedback loop) and per-tenant training jobs."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned
from tickets.models import Ticket


class Field(models.TextChoices):
    CATEGORY = "category"
    PRIORITY = "priority"


class Outcome(models.TextChoices):
    PENDING = "pending"  # no agent has said anything yet
    ACCEPTED = "accepted"  # an agent kept or accepted the predicted value
    CORRECTED = "corrected"  # an agent set another value
    REJECTED = "rejected"  # an agent said it is wrong without giving the right value


class Prediction(TenantOwned):
    """What the AI said about one field of one ticket, and what the agents made of it.

    One row per (ticket, field); a later agent decision overwrites the earlier one, so the row
    holds the final value. Accuracy reports count accepted against corrected and rejected."""

    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10, choices=Field.choices)
    label = models.CharField(max_length=100)
    confidence = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=50, help_text="The model's version, or 'rules'.")
    applied = models.BooleanField(default=False, help_text="Set on the ticket by the AI (above threshold).")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    final_value = models.CharField(max_length=100, blank=True)
    decided_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "ticket", "field"], name="prediction_ticket_field_uniq")
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "created_at"], name="prediction_created_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id}.{self.field}={self.label} ({self.outcome})"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class TrainingJob(TenantOwned):
    """One retraining of a tenant's model from its own labelled tickets, with progress and result."""

    kind = models.CharField(max_length=10, choices=Field.choices, default=Field.CATEGORY)
    trigger = models.CharField(max_length=20, help_text="admin, schedule or new-labels")
    requested_by = TenantForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0-100")
    labelled_tickets = models.PositiveIntegerField(null=True, blank=True)
    corrections = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    activated = models.BooleanField(null=True, blank=True)
    reason = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    previous_metrics = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "-created_at"], name="trainingjob_recent_idx")]

    def __str__(self) -> str:
        return f"train {self.kind} for tenant {self.tenant_id}: {self.status}"
