"""Citus' co-location rules, read from the live catalog: could every tenant table be distributed
by `tenant_id` as it stands?

Citus distributes a table by one column and enforces a primary key, a unique key or an
exclusion constraint only when it contains that column (each shard checks its own rows), and
a foreign key between two distributed tables only when it links their distribution columns.
A distributed table may reference a reference table (a global table copied to every node),
never the other way round. These functions list whatever breaks those rules; the tests and
the schema report (`architecture.catalog`) show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections

TENANT_COLUMN = "tenant_id"

_TENANT_TABLES = """
    SELECT c.oid FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
"""

# Keys: primary, unique and exclusion constraints, and unique indexes that back no constraint
# (expression or partial ones, made with `CREATE UNIQUE INDEX`). Only key columns count:
# an INCLUDE column is stored in the index but takes no part in the uniqueness.
_KEYS = f"""
    WITH tenant AS ({_TENANT_TABLES})
    SELECT t.relname, CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique'
                                       WHEN 'x' THEN 'exclusion' ELSE 'unique index' END,
           i.relname, pg_get_indexdef(x.indexrelid),
           EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = x.indrelid AND a.attname = 'tenant_id'
                     AND a.attnum = ANY ((x.indkey::int2[])[0:x.indnkeyatts - 1]))
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
                               AND con.contype IN ('p', 'u', 'x')
    WHERE x.indrelid IN (SELECT oid FROM tenant) AND (x.indisunique OR con.contype = 'x')
    ORDER BY t.relname, i.relname
"""  # noqa: S608 - fixed SQL  # nosec B608

_FOREIGN_KEYS = f"""
    WITH tenant AS ({_TENANT_TABLES})
    SELECT src.relname, con.conname, pg_get_constraintdef(con.oid), dst.relname,
           con.conrelid IN (SELECT oid FROM tenant), con.confrelid IN (SELECT oid FROM tenant),
           EXISTS (SELECT 1 FROM unnest(con.conkey, con.confkey) AS k(src_col, dst_col)
                   JOIN pg_attribute sa ON sa.attrelid = con.conrelid AND sa.attnum = k.src_col
                   JOIN pg_attribute da ON da.attrelid = con.confrelid AND da.attnum = k.dst_col
                   WHERE sa.attname = 'tenant_id' AND da.attname = 'tenant_id')
    FROM pg_constraint con
    JOIN pg_class src ON src.oid = con.conrelid
    JOIN pg_class dst ON dst.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = src.relnamespace
    WHERE con.contype = 'f' AND n.nspname = 'public'
    ORDER BY src.relname, con.conname
"""  # noqa: S608 - fixed SQL  # nosec B608


@dataclass(frozen=True)
class Offence:
    table: str
    kind: str
    name: str
    definition: str

    def __str__(self) -> str:
        return f"{self.table}: {self.kind} {self.name}: {self.definition}"


def _fetch(query: str, using: str) -> list[tuple[Any, ...]]:
    with connections[using].cursor() as cursor:
        cursor.execute(query)
        return list(cursor.fetchall())


def tenant_tables(using: str = "owner") -> list[str]:
    """The tables that would be distributed by tenant_id: every table with that column."""
    rows = _fetch(f"SELECT oid::regclass::text FROM ({_TENANT_TABLES}) t ORDER BY 1", using)  # noqa: S608  # nosec B608
    return [row[0] for row in rows]


def keys_without_tenant(using: str = "owner") -> list[Offence]:
    """Primary keys, unique constraints and indexes, exclusion constraints of tenant tables
    that a shard could not enforce alone: tenant_id is not among their key columns."""
    return [
        Offence(table, kind, name, definition.replace("public.", ""))
        for table, kind, name, definition, has_tenant in _fetch(_KEYS, using)
        if not has_tenant
    ]


def _foreign_keys(using: str) -> list[tuple[Any, ...]]:
    return _fetch(_FOREIGN_KEYS, using)


def foreign_keys_without_tenant(using: str = "owner") -> list[Offence]:
    """Foreign keys between two tenant tables that do not match tenant_id to tenant_id."""
    return [
        Offence(src, "foreign key", name, definition.replace("public.", ""))
        for src, name, definition, _dst, src_tenant, dst_tenant, links_tenant in _foreign_keys(using)
        if src_tenant and dst_tenant and not links_tenant
    ]


def global_foreign_keys_into_tenant_tables(using: str = "owner") -> list[Offence]:
    """Foreign keys from a global table (a reference table, in Citus) into a tenant table:
    Citus refuses them, a reference table may not point into a distributed one."""
    return [
        Offence(src, "foreign key", name, definition.replace("public.", ""))
        for src, name, definition, _dst, src_tenant, dst_tenant, _ in _foreign_keys(using)
        if dst_tenant and not src_tenant
    ]


def reference_tables(using: str = "owner") -> list[str]:
    """Global tables that tenant tables reference: Citus needs them as reference tables."""
    return sorted(
        {
            dst
            for _, _, _, dst, src_tenant, dst_tenant, _ in _foreign_keys(using)
            if src_tenant and not dst_tenant
        }
    )


def violations(using: str = "owner") -> list[Offence]:
    """Everything that stops the schema from being distributed by tenant_id."""
    return [
        *keys_without_tenant(using),
        *foreign_keys_without_tenant(using),
        *global_foreign_keys_into_tenant_tables(using),
    ]
