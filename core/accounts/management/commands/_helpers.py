"""Shared lookups for the accounts management commands."""

from django.core.management.base import CommandError

from tenancy.models import Tenant
from tenancy.selectors import tenant_by_slug


def tenant_or_error(slug: str) -> Tenant:
    tenant = tenant_by_slug(slug=slug)
    if tenant is None:
        raise CommandError(
            f"No active tenant {slug!r}. Create it with: manage.py create_tenant {slug} --name ..."
        )
    return tenant
