"""What privacy keeps: who was erased (and by whom), and each tenant's retention rule.

Data-access archives are export jobs of the reports app (`ExportJob`, kind `privacy`): the same
progress, download and expiry machinery as the large CSV exports.
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned


class Erasure(TenantOwned):
    """One erased membership: the marker that makes a second erasure a no-op, and the record of
    who did it. Counts only; nothing here names the erased person."""

    membership = TenantForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    erased_by = TenantForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    erased_at = models.DateTimeField(auto_now_add=True)
    counts = models.JSONField(default=dict, help_text="Tickets, messages, attachments, ... touched.")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "membership"], name="privacy_erasure_member_uniq")
        ]

    def __str__(self) -> str:
        return f"membership {self.membership_id} erased {self.erased_at:%Y-%m-%d}"


MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650


class RetentionPolicy(TenantOwned):
    """The tenant's rule: tickets solved or closed more than `days` ago are closed and purged."""

    enabled = models.BooleanField(default=False)
    days = models.PositiveIntegerField(
        default=730, validators=[MinValueValidator(MIN_RETENTION_DAYS), MaxValueValidator(MAX_RETENTION_DAYS)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_purged = models.PositiveIntegerField(default=0, help_text="Tickets purged by the last run.")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant"], name="privacy_retention_tenant_uniq")
        ]

    def __str__(self) -> str:
        return f"{'on' if self.enabled else 'off'}: {self.days} days"
