"""Saved inbox views: a staff member's named set of ticket-list filters."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, TenantOwned


class SavedView(TenantOwned):
    """Filters as the query parameters of `GET /api/v1/tickets` (status, assignee, tag, cf, ...)."""

    owner = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "owner", "name"], name="savedview_owner_name_uniq"),
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "owner", "position"], name="savedview_owner_idx")]

    def __str__(self) -> str:
        return self.name
