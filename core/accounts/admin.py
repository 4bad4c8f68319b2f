"""Admin for accounts: users (operators only), memberships, API tokens and the audit logs (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts.models import ApiToken, AuditEvent, User
from tenancy.admin import OperatorOnlyAdmin, TenantScopedAdmin, admin_site, admin_tenant
from tenancy.models import Membership, PlatformAuditEvent


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


@admin.register(Membership, site=admin_site)
class MembershipAdmin(TenantScopedAdmin):
    list_display = ("user", "role", "organization", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "organization")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        tenant = admin_tenant(request)
        if tenant is not None and db_field.name == "user":
            # Users are global: a tenant admin picks only among people already in the tenant.
            kwargs["queryset"] = User.objects.filter(memberships__tenant=tenant)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
