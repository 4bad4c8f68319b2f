"""Django admin: operators see every tenant; a tenant's admins see only their tenant.

On a tenant host (`acme.localhost/admin/`) the request already runs in that tenant's
database context, so row-level security limits every query; the admin classes also
filter by tenant and set it on save, so the two layers agree. On the platform host
only operators (is_staff + is_superuser) get in, through the audited cross-tenant path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from pydantic import ValidationError as PydanticValidationError

from tenancy.models import ADMIN_ROLES, Membership, Organization, Team, TeamMembership, Tenant
from tenancy.services import organization_clean_domains, organization_save


def admin_tenant(request: HttpRequest) -> Tenant | None:
    """The tenant of the admin page's host (None on the platform host)."""
    return getattr(request, "tenant", None)


def is_tenant_admin(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in ADMIN_ROLES


def _admin_member_of(tenant: Tenant, user_id: int) -> bool:
    return Membership.objects.filter(
        tenant=tenant, user_id=user_id, role__in=ADMIN_ROLES, deactivated_at__isnull=True
    ).exists()


class TenantAdminAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login takes only `is_staff` users; on a tenant host an active owner or
    admin of that tenant may sign in too (the same rule as `has_permission`)."""

    def confirm_login_allowed(self, user: Any) -> None:
        tenant = admin_tenant(self.request) if self.request is not None else None
        if tenant is not None and _admin_member_of(tenant, user.pk):
            AuthenticationForm.confirm_login_allowed(self, user)  # still refuses inactive users
            return
        super().confirm_login_allowed(user)


class FrontlineAdminSite(admin.AdminSite):
    site_header = "Frontline administration"
    site_title = "Frontline admin"
    login_form = TenantAdminAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        if admin_tenant(request) is None:
            return bool(user.is_superuser and user.is_staff)
        return bool(user.is_superuser) or is_tenant_admin(request)


class _AllowedByOneRule(admin.ModelAdmin):
    """Every permission of the admin class answers the subclass's `_allowed`."""

    def _allowed(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class TenantScopedAdmin(_AllowedByOneRule):
    """Base for tenant-owned models: scoped queryset, tenant set on save, scoped choices."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        tenant = admin_tenant(request)
        return qs.filter(tenant=tenant) if tenant is not None else qs

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        excluded = list(super().get_exclude(request, obj) or [])
        return [*excluded, "tenant"] if admin_tenant(request) is not None else excluded

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        tenant = admin_tenant(request)
        if tenant is not None:
            obj.tenant = tenant
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        tenant = admin_tenant(request)
        related = db_field.related_model
        if tenant is not None and related is not None and hasattr(related, "tenant_id"):
            kwargs["queryset"] = related._default_manager.filter(tenant=tenant)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[return-value]

    def _allowed(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser) or is_tenant_admin(request)


class OperatorOnlyAdmin(_AllowedByOneRule):
    """Global tables: only platform operators, and only on the platform host."""

    def _allowed(self, request: HttpRequest) -> bool:
        return admin_tenant(request) is None and bool(request.user.is_superuser)


admin_site = FrontlineAdminSite(name="admin")


def validating_form(check: Callable[[dict[str, Any]], object]) -> type[forms.ModelForm]:
    """A form that runs the same pydantic validation as the API before saving."""

    class ValidatingForm(forms.ModelForm):
        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            try:
                check(data)
            except (PydanticValidationError, ValueError) as exc:
                raise forms.ValidationError(str(exc)) from exc
            return data

    return ValidatingForm


@admin.register(Tenant, site=admin_site)
class TenantAdmin(OperatorOnlyAdmin):
    list_display = ("slug", "name", "status", "created_at")
    search_fields = ("slug", "name")
    list_filter = ("status",)


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    exclude = ("tenant",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField:
        tenant = admin_tenant(request)
        if tenant is not None and db_field.name == "membership":
            kwargs["queryset"] = Membership.objects.filter(tenant=tenant).select_related("user")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[return-value]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) or is_tenant_admin(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Team, site=admin_site)
class TeamAdmin(TenantScopedAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = (TeamMembershipInline,)


@admin.register(Organization, site=admin_site)
class OrganizationAdmin(TenantScopedAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        tenant = admin_tenant(request)

        class DomainsChecked(base):  # type: ignore[misc,valid-type]  # a form class built by the admin
            def clean(self) -> dict[str, Any]:
                data = super().clean()
                owner = tenant or data.get("tenant")
                if owner is not None and data.get("domains") is not None:
                    try:
                        data["domains"] = organization_clean_domains(
                            tenant=owner, domains=data["domains"], exclude_id=obj.id if obj else None
                        )
                    except ValidationError as exc:
                        self.add_error("domains", exc.message_dict["domains"])
                return data

        return DomainsChecked

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Through the service, so domains are checked and customers of a new domain join.
        tenant = admin_tenant(request) or obj.tenant
        obj.tenant = tenant
        organization_save(
            tenant=tenant,
            organization=obj,
            name=obj.name,
            domains=list(obj.domains),
            notes=obj.notes,
        )
