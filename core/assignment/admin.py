"""Django admin of assignment configurations and agent profiles, scoped to the tenant host."""

from django.contrib import admin

from assignment.models import AgentProfile, AssignmentConfig
from tenancy.admin import TenantScopedAdmin, admin_site


@admin.register(AssignmentConfig, site=admin_site)
class AssignmentConfigAdmin(TenantScopedAdmin):
    list_display = ("team", "strategy", "enabled")


@admin.register(AgentProfile, site=admin_site)
class AgentProfileAdmin(TenantScopedAdmin):
    list_display = ("membership", "availability", "capacity")
    list_filter = ("availability",)
