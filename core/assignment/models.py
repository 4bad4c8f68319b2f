"""Agent availability, capacity and skills, and which assignment strategy a team (or tenant) uses."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, Team, TenantOwned


class Availability(models.TextChoices):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


class AgentProfile(TenantOwned):
    """An agent's routing state. Agents without a profile count as online with no capacity limit."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    availability = models.CharField(max_length=10, choices=Availability.choices, default=Availability.ONLINE)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most open tickets assigned at once; empty means no limit."
    )
    skills = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "membership"], name="agentprofile_membership_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.availability}"


class AssignmentConfig(TenantOwned):
    """The strategy for one team's tickets, or (team empty) for the tenant's other tickets.

    The row is locked while a ticket is assigned through it, so concurrent assignments
    queue on it and the round-robin cursor and capacity checks stay exact.
    """

    team = TenantForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    strategy = models.CharField(max_length=40, help_text="A key of assignment.strategies.registry.")
    options = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    # The last member picked, for round-robin order (a plain id: the member may leave).
    last_assigned_membership_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            # NULLS NOT DISTINCT: one tenant-default row (team empty) as well as one per team.
            models.UniqueConstraint(
                fields=["tenant", "team"], name="assignmentconfig_team_uniq", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy} for team {self.team_id or 'default'}"
