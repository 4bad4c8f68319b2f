"""Django admin of triggers, time rules and macros (scoped to the tenant host); runs read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from automations.models import Delivery, Macro, RuleRun, TimeRule, Trigger
from tenancy.admin import TenantScopedAdmin, admin_site


@admin.register(Trigger, site=admin_site)
class TriggerAdmin(TenantScopedAdmin):
    list_display = ("name", "position", "enabled")
    ordering = ("position", "id")


@admin.register(TimeRule, site=admin_site)
class TimeRuleAdmin(TenantScopedAdmin):
    list_display = ("name", "position", "enabled")
    ordering = ("position", "id")


@admin.register(Macro, site=admin_site)
class MacroAdmin(TenantScopedAdmin):
    list_display = ("name", "owner")


class ReadOnlyAdmin(TenantScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RuleRun, site=admin_site)
class RuleRunAdmin(ReadOnlyAdmin):
    list_display = ("kind", "rule_id", "ticket", "outcome", "created_at")
    list_filter = ("kind", "outcome")


@admin.register(Delivery, site=admin_site)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("kind", "ticket", "rule", "status", "attempts", "created_at")
    list_filter = ("kind", "status")
