"""Rollup tables: one row per tenant, day and dimension value; per-ticket contribution snapshots."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from tenancy.fields import TenantForeignKey
from tenancy.models import TenantOwned

# The slices a ticket is counted in: `all`, one per dimension (tag and field are
# multi-valued: a ticket counts once under each of its tags), and one per *pair* of
# dimensions ("team+priority" = "3<US>high"). Crossing every dimension would multiply rows
# per day (agents x channels x categories x priorities x tags ...); singles and pairs keep
# any filter of one or two dimensions a read of one row per day, whatever the ticket count.
FILTER_DIMENSIONS = ("team", "assignee", "channel", "category", "priority", "tag", "field")
DIMENSIONS = ("all", *FILTER_DIMENSIONS)
NONE_VALUE = "none"
PAIR_JOIN = "\x1f"  # unit separator between the two values of a pair slice


def slice_key(filters: dict[str, str]) -> tuple[str, str]:
    """The (dimension, value) row key of at most two filters, in canonical dimension order."""
    chosen = [(d, filters[d]) for d in FILTER_DIMENSIONS if d in filters]
    if not chosen:
        return "all", ""
    return "+".join(d for d, _ in chosen), PAIR_JOIN.join(v for _, v in chosen)


class DailyRollup(TenantOwned):
    """Ticket metrics of one tenant for one day, week or month (in the tenant's zone), in one
    slice (dimension = value). Every change is written at the three grains, so a report reads
    one row per period plus a few days at the edges of its range, and merges few histograms."""

    day = models.DateField(help_text="The day, or the first day of the week (Monday) or month.")
    grain = models.CharField(max_length=1, default="d", help_text="d(ay), w(eek) or m(onth).")
    dimension = models.CharField(max_length=40)
    value = models.CharField(max_length=210)
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
    # The same two durations in business seconds of the tenant's default calendar.
    frt_bh_sum = models.BigIntegerField(default=0)
    frt_bh_hist = ArrayField(models.IntegerField(), null=True)
    res_bh_sum = models.BigIntegerField(default=0)
    res_bh_hist = ArrayField(models.IntegerField(), null=True)
    # SLA clocks by target, on the day they were achieved in time or breached.
    sla_frt_met = models.IntegerField(default=0)
    sla_frt_breached = models.IntegerField(default=0)
    sla_nrt_met = models.IntegerField(default=0)
    sla_nrt_breached = models.IntegerField(default=0)
    sla_res_met = models.IntegerField(default=0)
    sla_res_breached = models.IntegerField(default=0)
    # CSAT: surveys sent (day requested), ratings (day rated), good ratings (4-5), rating sum.
    csat_sent = models.IntegerField(default=0)
    csat_rated = models.IntegerField(default=0)
    csat_good = models.IntegerField(default=0)
    csat_sum = models.IntegerField(default=0)
    # AI triage: fields applied by the model (day applied); of those, later changed by a person.
    ai_applied = models.IntegerField(default=0)
    ai_changed = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "dimension", "value", "grain", "day"],
                name="reports_rollup_slice_grain_day_uniq",
            )
        ]
        # Breakdowns read every value of a dimension over a range: by day, not by value.
        indexes: ClassVar = [
            models.Index(fields=["tenant", "dimension", "grain", "day"], name="reports_rollup_breakdown_idx")
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


class ExportStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(TenantOwned):
    """A file written by a Celery worker with progress, downloaded through the API until it
    expires: large CSV exports here, and other apps' archives (`kind` tells them apart, e.g.
    the privacy app's data-access archives)."""

    requested_by = TenantForeignKey("tenancy.Membership", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, help_text="tickets (a filtered ticket list) or report.")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.IntegerField(default=0)
    rows_done = models.IntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True, help_text="Under MEDIA_ROOT/exports/.")
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # After this the file is deleted (a sweep) and its download answers 410 Gone.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["tenant", "requested_by", "-id"], name="reports_export_mine_idx")
        ]

    def __str__(self) -> str:
        return f"export {self.id} {self.kind} {self.status}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def progress(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0
