"""The platform's audit log: security events outside any tenant (cross-tenant work, the platform host)."""

from __future__ import annotations

from tenancy.models import PlatformAuditEvent


def platform_audit_record(*, actor_id: int | None, action: str, detail: str) -> None:
    PlatformAuditEvent.objects.create(actor_id=actor_id, action=action, detail={"reason": detail})
