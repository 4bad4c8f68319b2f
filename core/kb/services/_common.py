"""Checks every knowledge-base write shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from kb import content
from tenancy.models import Tenant


def same_tenant(tenant: Tenant, *objects: object) -> None:
    for obj in objects:
        if obj is not None and getattr(obj, "tenant_id", tenant.id) != tenant.id:
            raise ValidationError("Objects must belong to the same tenant.")


def slug_or_error(raw: str | None, fallback: str, field: str = "slug") -> str:
    slug = content.make_slug(raw if raw else fallback)
    if raw and slug != raw:
        raise ValidationError({field: "Use lowercase letters, digits and hyphens only."})
    return slug


def clean_name(raw: str, what: str) -> str:
    name = raw.strip()
    if not name:
        raise ValidationError({"name": f"A {what} needs a name."})
    return name
