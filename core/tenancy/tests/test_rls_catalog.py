"""The database catalog says every tenant table is isolated, and the app role cannot escape."""

import pytest
from django.db import connections

from tenancy.security import app_role_name, tenant_models

pytestmark = pytest.mark.django_db(databases=["default", "owner"])


def _tables_with_tenant_id() -> list[str]:
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def test_every_table_with_tenant_id_has_forced_rls_and_a_policy():
    tables = _tables_with_tenant_id()
    assert {m._meta.db_table for m in tenant_models()} <= set(tables)
    assert "tenancy_membership" in tables
    with connections["owner"].cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT c.relrowsecurity, c.relforcerowsecurity, "
                "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
                "FROM pg_class c WHERE c.oid = %s::regclass",
                [table],
            )
            enabled, forced, policies = cursor.fetchone()
            assert enabled, f"{table}: row-level security is not enabled"
            assert forced, f"{table}: row-level security is not forced"
            assert policies >= 1, f"{table}: no policy"


def test_tenant_id_is_never_null():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'tenant_id' AND is_nullable = 'YES'"
        )
        assert cursor.fetchall() == []


def test_every_unique_constraint_on_a_tenant_table_includes_tenant_id():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname
            FROM pg_constraint c
            JOIN information_schema.columns col
              ON col.table_name = c.conrelid::regclass::text AND col.column_name = 'tenant_id'
            WHERE c.contype = 'u' AND col.table_schema = 'public'
              AND NOT EXISTS (
                SELECT 1 FROM pg_attribute a
                WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attname = 'tenant_id')
            """
        )
        assert cursor.fetchall() == []
        # Unique indexes made from expressions are not constraints; check them too.
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text FROM pg_index i
            JOIN information_schema.columns col
              ON col.table_name = i.indrelid::regclass::text AND col.column_name = 'tenant_id'
            WHERE i.indisunique AND NOT i.indisprimary AND col.table_schema = 'public'
              AND pg_get_indexdef(i.indexrelid) NOT LIKE '%%tenant_id%%'
            """
        )
        assert cursor.fetchall() == []


def test_every_foreign_key_between_tenant_tables_includes_tenant_id():
    """Each single-column FK from one tenant table to another has a composite twin."""
    tenant_tables = set(_tables_with_tenant_id())
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, c.conkey, c.confkey
            FROM pg_constraint c WHERE c.contype = 'f'
            """
        )
        fks = cursor.fetchall()
    composite = {(src, dst) for src, dst, key, _ in fks if len(key) == 2}
    missing = [
        (src, dst)
        for src, dst, key, _ in fks
        if src in tenant_tables and dst in tenant_tables and len(key) == 1 and (src, dst) not in composite
    ]
    assert missing == []


def test_app_role_is_not_superuser_not_bypassrls_and_owns_nothing():
    role = app_role_name()
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
            [role],
        )
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [role],
        )
        assert cursor.fetchone()[0] == 0
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == role


def test_app_role_cannot_update_or_delete_the_audit_log():
    role = app_role_name()
    with connections["owner"].cursor() as cursor:
        for table in ("accounts_auditevent", "accounts_platformauditevent"):
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'DELETE')",
                [role, table, role, table],
            )
            assert cursor.fetchone() == (False, False), table
