"""The tenant context: which tenant's rows the database lets this transaction see.

The setting `app.tenant_id` is always set with `set_config(..., true)` (SET LOCAL), so it
ends with the transaction and a pooled connection never carries it into other work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction

from db.rows import fetch_pipelined
from db.tenant_setting import CROSS_TENANT_SETTING, TENANT_SETTING
from tenancy.audit import platform_audit_record


def _swap_setting(using: str, name: str, value: str) -> str:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), set_config(%s, %s, true)",
            [name, name, value],
        )
        previous, _ = cursor.fetchone()
    return str(previous)


def _fetch(cursor: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return list(cursor.fetchall())


@contextmanager
def tenant_context(tenant_id: int, *, using: str = "default") -> Iterator[None]:
    """Run the block in a transaction that sees only `tenant_id`'s rows."""
    with tenant_context_query(tenant_id, None, using=using):
        yield


@contextmanager
def tenant_context_query(
    tenant_id: int, query: tuple[str, Sequence[Any]] | None, *, using: str = "default"
) -> Iterator[list[tuple[Any, ...]]]:
    """`tenant_context`, yielding the rows of `query` (SQL, params) run first inside it.

    In a new transaction, BEGIN, setting the tenant and the query go to the server in one
    round trip (libpq pipeline mode) instead of three: the request path's first query
    (the API token) costs no extra round trip. It still runs after the tenant is set.
    """
    connection = connections[using]
    value = str(int(tenant_id))
    if not connection.in_atomic_block:
        # A new transaction: SET LOCAL ends with it, so there is nothing to read or restore.
        with transaction.atomic(using=using):
            setting = ("SELECT set_config(%s, %s, true)", [TENANT_SETTING, value])
            # Key lookups only (the tenant setting, the API token): prepared, see `hot_cursor`.
            results = fetch_pipelined(
                [setting] if query is None else [setting, query], prepared=True, using=using
            )
            yield results[-1] if query is not None else []
        return
    with transaction.atomic(using=using):
        previous = _swap_setting(using, TENANT_SETTING, value)
        try:
            with connection.cursor() as cursor:
                yield _fetch(cursor, *query) if query is not None else []
        finally:
            if not connection.needs_rollback:
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
    with transaction.atomic(using=using):
        platform_audit_record(actor_id=actor_id, action="platform.cross_tenant", detail=reason)
        previous = _swap_setting(using, CROSS_TENANT_SETTING, "on")
        try:
            yield
        finally:
            if not connections[using].needs_rollback:
                _swap_setting(using, CROSS_TENANT_SETTING, previous)
