"""Reads for accounts. Every tenant-owned lookup takes the tenant explicitly."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiToken, AuditEvent, User
from tenancy.models import Membership, Tenant


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def api_token_list(*, tenant: Tenant, membership: Membership) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(tenant=tenant, membership=membership).order_by("-created_at")


def api_token_get(*, tenant: Tenant, membership: Membership, token_id: int) -> ApiToken | None:
    return api_token_list(tenant=tenant, membership=membership).filter(id=token_id).first()


def audit_event_list(*, tenant: Tenant, limit: int = 100) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(tenant=tenant).order_by("-created_at", "-id")[:limit]
