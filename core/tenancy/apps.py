"""Tenancy: tenants, memberships, teams, and the row-level security around them."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tenancy import checks  # noqa: F401 - registers the system checks
        from tenancy.security import apply_tenant_security_after_migrate

        post_migrate.connect(apply_tenant_security_after_migrate, sender=self)
