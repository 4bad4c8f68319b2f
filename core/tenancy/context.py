"""The tenant context: which tenant's rows the database lets this transaction see.

The setting `app.tenant_id` is always set with `set_config(..., true)` (SET LOCAL), so it
ends with the transaction and a pooled connection never carries it into other work.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

TENANT_SETTING = "app.tenant_id"
CROSS_TENANT_SETTING = "app.cross_tenant"


def _swap_setting(using: str, name: str, value: str) -> str:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [name, name, value],
        )
        previous, _ = cursor.fetchone()
    return str(previous)


@contextmanager
def tenant_context(tenant_id: int, *, using: str = "default") -> Iterator[None]:
    """Run the block in a transaction that sees only `tenant_id`'s rows."""
    if not connections[using].in_atomic_block:
        # A new transaction: SET LOCAL ends with it, so there is nothing to read or restore
        # (one round trip instead of two on every request).
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [TENANT_SETTING, str(int(tenant_id))])
            yield
        return
    with transaction.atomic(using=using):
        previous = _swap_setting(using, TENANT_SETTING, str(int(tenant_id)))
        try:
            yield
        finally:
            if not connections[using].needs_rollback:
                _swap_setting(using, TENANT_SETTING, previous)


def current_tenant_id(*, using: str = "default") -> int | None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT nullif(current_setting(%s, true), '')", [TENANT_SETTING])
        value = cursor.fetchone()[0]
    return int(value) if value else None


@contextmanager
def cross_tenant_context(*, actor_id: int | None, reason: str, using: str = "default") -> Iterator[None]:
    """Platform work across every tenant (operators' admin, periodic sweeps).

    The one way past the tenant policies; each use is written to the platform audit log.
    """
    from accounts.services import platform_audit_record

    with transaction.atomic(using=using):
        platform_audit_record(actor_id=actor_id, action="platform.cross_tenant", detail=reason)
        previous = _swap_setting(using, CROSS_TENANT_SETTING, "on")
        try:
            yield
        finally:
            if not connections[using].needs_rollback:
                _swap_setting(using, CROSS_TENANT_SETTING, previous)
