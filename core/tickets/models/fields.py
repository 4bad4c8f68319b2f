"""Per-tenant custom field definitions; ticket values live in `Ticket.custom_fields` keyed by `key`."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models

from tenancy.models import TenantOwned


class FieldType(models.TextChoices):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DROPDOWN = "dropdown"
    MULTISELECT = "multiselect"
    CHECKBOX = "checkbox"


class CustomFieldDefinition(TenantOwned):
    key = models.CharField(
        max_length=40,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]{0,39}$", "Use lowercase letters, digits, _.")],
    )
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=12, choices=FieldType.choices)
    required = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True, help_text="Choices of dropdown and multiselect.")
    agent_only = models.BooleanField(default=False, help_text="Hidden from customers, and set by staff only.")
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "key"], name="customfield_tenant_key_uniq")
        ]

    def __str__(self) -> str:
        return self.label
