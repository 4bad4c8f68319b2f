"""Ticket statuses: six fixed categories, and per-tenant custom statuses mapped onto one of them."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models

from tenancy.models import TenantOwned


class StatusCategory(models.TextChoices):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"


# Which category may follow which. Moving between custom statuses of one category is
# always allowed; `closed` is final (a follow-up is a new ticket), and only merge or a
# rule closes a ticket that is not solved.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    StatusCategory.NEW: frozenset({"open", "pending", "on_hold", "solved"}),
    StatusCategory.OPEN: frozenset({"pending", "on_hold", "solved"}),
    StatusCategory.PENDING: frozenset({"open", "on_hold", "solved"}),
    StatusCategory.ON_HOLD: frozenset({"open", "pending", "solved"}),
    StatusCategory.SOLVED: frozenset({"open", "closed"}),
    StatusCategory.CLOSED: frozenset(),
}


class CustomStatus(TenantOwned):
    """A tenant's own status ("Waiting for vendor") that behaves like its category."""

    key = models.CharField(
        max_length=40,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]{0,39}$", "Use lowercase letters, digits, _.")],
    )
    name = models.CharField(max_length=80)
    category = models.CharField(max_length=10, choices=StatusCategory.choices)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "key"], name="customstatus_tenant_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.category})"
