"""Business-hours calendars, SLA policies and the per-ticket SLA clocks they start."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from tenancy.fields import TenantForeignKey
from tenancy.models import TenantOwned
from tickets.models import Ticket


class BusinessCalendar(TenantOwned):
    """Opening hours in a time zone, with holidays. A tenant may keep several (per team or region)."""

    name = models.CharField(max_length=100)
    timezone = models.CharField(max_length=64, default="UTC", help_text="An IANA zone, e.g. Europe/Berlin.")
    weekly_hours = models.JSONField(
        default=dict, help_text='{"mon": [["09:00", "17:00"]], ...}; days left out are closed.'
    )
    holidays = models.JSONField(default=list, blank=True, help_text='[{"date": "2026-12-25", "name": "..."}]')
    is_default = models.BooleanField(default=False, help_text="Used by policies that name no calendar.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="calendar_tenant_name_uniq"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_default=True), name="calendar_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TenantOwned):
    """The first enabled policy (by position) whose conditions match a ticket sets its targets."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    conditions = models.JSONField(default=dict, blank=True, help_text="sla.schemas.PolicyConditions")
    targets = models.JSONField(default=dict, help_text="sla.schemas.PolicyTargets: minutes per priority")
    business_hours = models.BooleanField(
        default=True, help_text="Count business minutes of the calendar; off counts calendar minutes."
    )
    calendar = TenantForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pause_statuses = models.JSONField(
        default=list, blank=True, help_text="Status categories that stop the clocks."
    )
    warning_fraction = models.FloatField(default=0.75, help_text="Warn when this share of a target is used.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="slapolicy_tenant_name_uniq"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "position", "id"], name="slapolicy_order_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


# A clock is running while running_since is set; only running clocks have due and warn times
# the sweep looks at, and these partial indexes hold exactly those rows.
_RUNNING_UNWARNED = Q(running_since__isnull=False, warning_sent_at__isnull=True)
_RUNNING_UNBREACHED = Q(running_since__isnull=False, breached_at__isnull=True)


class SlaClock(TenantOwned):
    """One SLA metric of one ticket: its target, time used so far, and due/warning instants."""

    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    policy = TenantForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    target_minutes = models.PositiveIntegerField()
    calendar = TenantForeignKey(BusinessCalendar, null=True, on_delete=models.SET_NULL, related_name="+")
    warning_fraction = models.FloatField(default=0.75)
    started_at = models.DateTimeField()
    running_since = models.DateTimeField(null=True, help_text="Start of the current running segment.")
    elapsed_minutes = models.FloatField(default=0, help_text="Minutes used in earlier segments.")
    paused_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(null=True)
    warn_at = models.DateTimeField(null=True)
    achieved_at = models.DateTimeField(null=True)
    warning_sent_at = models.DateTimeField(null=True)
    breached_at = models.DateTimeField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "ticket", "metric"], name="slaclock_ticket_metric_uniq"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "warn_at"], condition=_RUNNING_UNWARNED, name="slaclock_warn_idx"),
            models.Index(fields=["tenant", "due_at"], condition=_RUNNING_UNBREACHED, name="slaclock_due_idx"),
            # The sweep first asks which tenants have anything due (platform work, like the
            # outbox's), then works inside each tenant through the tenant-led indexes above.
            models.Index(fields=["warn_at"], condition=_RUNNING_UNWARNED, name="slaclock_warn_platform_idx"),
            models.Index(fields=["due_at"], condition=_RUNNING_UNBREACHED, name="slaclock_due_platform_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} of ticket {self.ticket_id}"
