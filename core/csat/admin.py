"""Django admin of CSAT settings and (read-only) surveys, scoped to the tenant host."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from csat.models import CsatSettings, CsatSurvey
from tenancy.admin import TenantScopedAdmin, admin_site


@admin.register(CsatSettings, site=admin_site)
class CsatSettingsAdmin(TenantScopedAdmin):
    list_display = ("enabled", "scale", "email_requester")


@admin.register(CsatSurvey, site=admin_site)
class CsatSurveyAdmin(TenantScopedAdmin):
    list_display = ("ticket", "agent", "team", "rating", "rated_at")
    exclude = ("nonce",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
