"""Customer satisfaction: per-tenant survey settings and one survey (and rating) per ticket."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import Membership, Team, TenantOwned
from tickets.models import Ticket


class Scale(models.TextChoices):
    GOOD_BAD = "good_bad"
    FIVE = "five"


class CsatSettings(TenantOwned):
    """Without a row, surveys are on with the good/bad scale."""

    enabled = models.BooleanField(
        default=True, help_text="Ask the requester to rate when a ticket is solved."
    )
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.GOOD_BAD)
    email_requester = models.BooleanField(default=True, help_text="Send the rating link by email too.")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant"], name="csatsettings_tenant_uniq")]

    def __str__(self) -> str:
        return f"CSAT {self.scale} ({'on' if self.enabled else 'off'})"


class CsatSurvey(TenantOwned):
    """The rating request of one ticket; agent and team are those who solved it (for reports)."""

    ticket = TenantForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    requester = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    agent = TenantForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    team = TenantForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scale = models.CharField(max_length=10, choices=Scale.choices)
    # The link's token is an HMAC of (tenant, survey, nonce): nothing secret is stored.
    nonce = models.CharField(max_length=32)
    requested_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1-5; good = 5, bad = 1.")
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "ticket"], name="csatsurvey_ticket_uniq")
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "rated_at"], name="csat_rated_idx"),
            models.Index(fields=["tenant", "agent", "rated_at"], name="csat_agent_idx"),
            models.Index(fields=["tenant", "team", "rated_at"], name="csat_team_idx"),
        ]

    def __str__(self) -> str:
        return f"CSAT of ticket {self.ticket_id}: {self.rating}"
