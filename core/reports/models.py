"""Rollup tables: one row per tenant, day and dimension value; per-ticket contribution snapshots."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.models import TenantOwned

# The slices a ticket is counted in. Crossing every dimension would multiply rows per day
# (agents x channels x categories x priorities); one slice per dimension keeps a day at
# about 1 + teams + agents + channels + categories + priorities rows, so a year of one
# slice is a few hundred rows however many tickets there are.
DIMENSIONS = ("all", "team", "assignee", "channel", "category", "priority")
NONE_VALUE = "none"


class DailyRollup(TenantOwned):
    """Ticket metrics of one tenant for one UTC day, in one slice (dimension = value)."""

    day = models.DateField()
    dimension = models.CharField(max_length=10)
    value = models.CharField(max_length=100)
    created = models.IntegerField(default=0)
    solved = models.IntegerField(default=0, help_text="Moves from an unresolved status to solved/closed.")
    reopened = models.IntegerField(default=0, help_text="Moves from solved/closed back to unresolved.")
    frt_count = models.IntegerField(default=0)
    frt_sum = models.BigIntegerField(default=0, help_text="Seconds to first response, summed.")
    frt_hist = ArrayField(models.IntegerField(), null=True)
    res_count = models.IntegerField(default=0, help_text="Tickets whose (last) resolution fell on this day.")
    res_sum = models.BigIntegerField(default=0, help_text="Seconds from creation to resolution, summed.")
    res_hist = ArrayField(models.IntegerField(), null=True)
    replies_sum = models.IntegerField(default=0, help_text="Public staff replies on the resolved tickets.")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "dimension", "value", "day"], name="reports_dailyrollup_slice_day_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class TicketContribution(TenantOwned):
    """What one ticket last added to the rollups, so a change applies only the difference."""

    ticket_id = models.BigIntegerField()
    cells = models.JSONField(default=dict, help_text="contributions.snapshot(): slices and cells per day.")
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "ticket_id"], name="reports_contribution_ticket_uniq")
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class RefreshWatermark(TenantOwned):
    """How far (by tickets.updated_at) the scheduled recompute has caught up in a tenant."""

    refreshed_until = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant"], name="reports_watermark_uniq")]

    def __str__(self) -> str:
        return f"tenant {self.tenant_id} until {self.refreshed_until}"
