"""Django admin of triggers, time rules and macros (scoped to the tenant host); runs read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from automations.models import Delivery, Macro, RuleRun, TimeRule, Trigger
from automations.schemas import EVENT_TYPES, Actions, Conditions, MacroActions, TimeCondition, check_template
from tenancy.admin import TenantScopedAdmin, admin_site, validating_form


def _check_rule(data: dict[str, Any]) -> None:
    Conditions.model_validate(data.get("conditions") or {})
    Actions.model_validate({"actions": data.get("actions") or []})


def _check_trigger(data: dict[str, Any]) -> None:
    _check_rule(data)
    events = data.get("events") or []
    if not events or not set(events) <= set(EVENT_TYPES):
        raise ValueError(f"events: give one or more of {', '.join(EVENT_TYPES)}")


def _check_time_rule(data: dict[str, Any]) -> None:
    _check_rule(data)
    TimeCondition.model_validate(data.get("timing") or {})


def _check_macro(data: dict[str, Any]) -> None:
    MacroActions.model_validate({"actions": data.get("actions") or []})
    check_template(data.get("reply_text") or "")


@admin.register(Trigger, site=admin_site)
class TriggerAdmin(TenantScopedAdmin):
    form = validating_form(_check_trigger)
    list_display = ("name", "position", "enabled")
    ordering = ("position", "id")


@admin.register(TimeRule, site=admin_site)
class TimeRuleAdmin(TenantScopedAdmin):
    form = validating_form(_check_time_rule)
    list_display = ("name", "position", "enabled")
    ordering = ("position", "id")


@admin.register(Macro, site=admin_site)
class MacroAdmin(TenantScopedAdmin):
    form = validating_form(_check_macro)
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
