"""Django admin of calendars, SLA policies and (read-only) SLA clocks, scoped to the tenant host."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sla.models import BusinessCalendar, SlaClock, SlaPolicy
from sla.schemas import CalendarSpec, PolicyConditions, PolicyTargets
from tenancy.admin import TenantScopedAdmin, admin_site, validating_form


@admin.register(BusinessCalendar, site=admin_site)
class BusinessCalendarAdmin(TenantScopedAdmin):
    form = validating_form(
        lambda d: CalendarSpec(
            timezone=d.get("timezone", ""),
            weekly_hours=d.get("weekly_hours") or {},
            holidays=d.get("holidays") or [],
        )
    )
    list_display = ("name", "timezone", "is_default")


@admin.register(SlaPolicy, site=admin_site)
class SlaPolicyAdmin(TenantScopedAdmin):
    form = validating_form(
        lambda d: (
            PolicyConditions.model_validate(d.get("conditions") or {}),
            PolicyTargets.model_validate(d.get("targets") or {}),
        )
    )
    list_display = ("name", "position", "enabled", "business_hours", "calendar")
    ordering = ("position", "id")


@admin.register(SlaClock, site=admin_site)
class SlaClockAdmin(TenantScopedAdmin):
    list_display = ("ticket", "metric", "target_minutes", "due_at", "achieved_at", "breached_at")
    list_filter = ("metric",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
