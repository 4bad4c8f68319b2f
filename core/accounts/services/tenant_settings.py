"""The desk's own settings, edited by its owner or admins: name, branding, portal sign-up, time zone.

Validation lives here (not only in the API schema) so the admin and any later caller get the
same rules. Values are stored in `Tenant.settings` sections read elsewhere: `branding` by the
public tenant endpoint, `portal.allow_signup` by customer sign-up, `timezone` by reports.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts.services.users import audit_record
from tenancy.models import AuditAction, Tenant
from tenancy.services import tenant_settings_update

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
BRANDING_TEXT_LIMITS = {"portal_title": 100}
BRANDING_COLORS = ("primary_color", "accent_color")


def _clean_logo_url(value: str) -> str:
    """An absolute https URL (the portal's CSP and mixed-content rules want https); '' clears it."""
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or len(value) > 500:
        raise ValidationError({"branding.logo_url": "Give an https:// address of at most 500 characters."})
    return value


def _clean_branding(branding: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, raw in branding.items():
        value = raw or ""  # null and "" both clear the key
        if key == "logo_url":
            cleaned[key] = _clean_logo_url(value) or None
        elif key in BRANDING_COLORS:
            if value and not COLOR.match(value):
                raise ValidationError({f"branding.{key}": "Use a colour like #1f6feb."})
            cleaned[key] = value or None
        elif key in BRANDING_TEXT_LIMITS:
            text = value.strip()
            if len(text) > BRANDING_TEXT_LIMITS[key]:
                raise ValidationError({f"branding.{key}": f"At most {BRANDING_TEXT_LIMITS[key]} characters."})
            cleaned[key] = text or None
    return cleaned


def _clean_timezone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": f"Unknown time zone {value!r}; use a name like Europe/Berlin."})
    return value


def desk_settings_update(
    *,
    tenant: Tenant,
    actor_id: int,
    name: str | None = None,
    branding: dict[str, Any] | None = None,
    allow_signup: bool | None = None,
    timezone: str | None = None,
    request: HttpRequest | None = None,
) -> Tenant:
    """Apply the fields given (None: unchanged) in one transaction, with one audit row naming them."""
    sections: dict[str, dict[str, Any]] = {}
    top_level: dict[str, Any] = {}
    if name is not None and not name.strip():
        raise ValidationError({"name": "The desk needs a name."})
    if branding is not None:
        sections["branding"] = _clean_branding(branding)
    if allow_signup is not None:
        sections["portal"] = {"allow_signup": allow_signup}
    if timezone is not None:
        top_level["timezone"] = _clean_timezone(timezone)
    changed = sorted(
        [f"{section}.{key}" for section, values in sections.items() for key in values]
        + list(top_level)
        + (["name"] if name is not None else [])
    )
    with transaction.atomic():
        tenant = tenant_settings_update(
            tenant=tenant,
            sections=sections,
            top_level=top_level,
            name=name.strip() if name is not None else None,
        )
        audit_record(
            tenant_id=tenant.id,
            action=AuditAction.TENANT_SETTINGS_CHANGED,
            actor_id=actor_id,
            request=request,
            detail={"changed": changed},
        )
    return tenant
