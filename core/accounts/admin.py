"""Admin for accounts: users (operators only), API tokens and the audit logs (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.models import ApiToken, AuditEvent, User
from tenancy.admin import OperatorOnlyAdmin, TenantScopedAdmin, admin_site
from tenancy.models import PlatformAuditEvent


@admin.register(User, site=admin_site)
class UserAdmin(OperatorOnlyAdmin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Platform", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ("is_staff", "is_superuser", "is_active")


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(TenantScopedAdmin):
    list_display = ("name", "prefix", "membership", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    list_select_related = ("membership__user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created by their owner, so the secret is shown only to them


class ReadOnlyAuditMixin:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(ReadOnlyAuditMixin, TenantScopedAdmin):
    list_display = ("created_at", "action", "actor", "ip_address")
    list_filter = ("action",)
    list_select_related = ("actor",)


@admin.register(PlatformAuditEvent, site=admin_site)
class PlatformAuditEventAdmin(ReadOnlyAuditMixin, OperatorOnlyAdmin):
    list_display = ("created_at", "action", "actor", "ip_address")
    list_filter = ("action",)
