"""The desk's settings for its owner and admins: `GET/PATCH /tenant/settings`.

The public subset (name, branding, whether customers may sign up) is `GET /tenant`.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from accounts.api.tenant import PUBLIC_BRANDING_KEYS
from accounts.services.tenant_settings import desk_settings_update
from api_kit.auth import admin_only, request_tenant, require_membership
from tenancy import selectors
from tenancy.models import Tenant

router = Router(tags=["tenancy"])


class BrandingIn(Schema):
    portal_title: str | None = Field(default=None, max_length=100)
    logo_url: str | None = Field(default=None, max_length=500, description="https:// only; '' clears it.")
    primary_color: str | None = Field(default=None, max_length=7, description="#rrggbb; '' clears it.")
    accent_color: str | None = Field(default=None, max_length=7, description="#rrggbb; '' clears it.")


class BrandingOut(Schema):
    portal_title: str = ""
    logo_url: str = ""
    primary_color: str = ""
    accent_color: str = ""


class DeskSettingsPatch(Schema):
    """Only the fields sent change."""

    name: str | None = Field(default=None, max_length=200)
    branding: BrandingIn | None = None
    allow_signup: bool | None = Field(default=None, description="Customers may create their own account.")
    timezone: str | None = Field(default=None, max_length=64, description="IANA name, e.g. Europe/Berlin.")


class DeskSettingsOut(Schema):
    slug: str
    name: str
    branding: BrandingOut
    allow_signup: bool
    timezone: str
    two_factor_required_for_staff: bool


def _out(tenant: Tenant) -> DeskSettingsOut:
    branding = (tenant.settings or {}).get("branding") or {}
    return DeskSettingsOut(
        slug=tenant.slug,
        name=tenant.name,
        branding=BrandingOut(**{k: str(branding[k]) for k in PUBLIC_BRANDING_KEYS if branding.get(k)}),
        allow_signup=selectors.signup_allowed(tenant),
        timezone=str((tenant.settings or {}).get("timezone") or "UTC"),
        two_factor_required_for_staff=selectors.two_factor_required_for_staff(tenant),
    )


@router.get("/tenant/settings", response=DeskSettingsOut, auth=admin_only)
def desk_settings(request: HttpRequest) -> DeskSettingsOut:
    """The desk's settings as its owner and admins edit them (2FA policy: `/tenant/security`)."""
    return _out(request_tenant(request))


@router.patch("/tenant/settings", response=DeskSettingsOut, auth=admin_only)
def desk_settings_patch(request: HttpRequest, payload: DeskSettingsPatch) -> DeskSettingsOut:
    """Change the desk's name, branding, customer sign-up or time zone; each change is audited."""
    tenant = desk_settings_update(
        tenant=request_tenant(request),
        actor_id=require_membership(request).user_id,
        name=payload.name,
        branding=payload.branding.model_dump(exclude_unset=True) if payload.branding else None,
        allow_signup=payload.allow_signup,
        timezone=payload.timezone,
        request=request,
    )
    return _out(tenant)
