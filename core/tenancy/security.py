"""Database-side tenant isolation, applied after every migrate as the owner role.

For every model that subclasses `TenantOwned` this makes sure that:
- row-level security is ENABLEd and FORCEd, with one policy on `app.tenant_id`;
- the primary key is `(tenant_id, id)`, and every foreign key to another tenant-owned
  table is `(tenant_id, column) -> (tenant_id, id)` (with its `(tenant_id, column)`
  index), so no row can point into another tenant, and every table can be
  distributed by tenant_id with Citus (`tenancy.colocation` checks the rules). The
  ORM's own single-column keys are declared away (`tenancy.fields.TenantForeignKey`)
  and any left over from older migrations are dropped here;
- the restricted app role exists (unless DATABASE_APP_URL names one) and has only
  the privileges it needs; append-only tables get no UPDATE or DELETE.

Doing this from the model registry, not by hand in each migration, means a new
tenant table cannot be forgotten; `tenancy/tests/test_rls_catalog.py` and
`test_citus_colocation.py` check the result. Keys are matched by what they are, not by
name, so a later migration that renames, repoints or re-creates one is put right by the
next migrate. A migration that alters a tenant table's primary key itself must first drop
the composite keys that point at it (PostgreSQL refuses otherwise); they come back here.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from psycopg import sql

from db.tenant_setting import CROSS_TENANT_SETTING, CURRENT_TENANT_SQL
from tenancy.models import TenantOwned

POLICY_NAME = "tenant_isolation"
POLICY_EXPRESSION = (
    f"tenant_id = {CURRENT_TENANT_SQL} OR current_setting('{CROSS_TENANT_SETTING}', true) = 'on'"
)


def tenant_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if issubclass(model, TenantOwned) and not model._meta.proxy]


def _constraint_name(table: str, suffix: str) -> str:
    name = f"{table}_{suffix}"
    if len(name) <= 63:
        return name
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[: 63 - 9]}_{digest}"


def app_role_name() -> str:
    return str(connections["default"].settings_dict["USER"])


def _constraint_exists(cursor: Any, table: str, name: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
        [table, name],
    )
    return cursor.fetchone() is not None


def _apply_rls(cursor: Any, table: str) -> None:
    ident = sql.Identifier(table)
    cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(ident))
    cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(ident))
    cursor.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY_NAME), ident))
    cursor.execute(
        sql.SQL("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})").format(
            sql.Identifier(POLICY_NAME), ident, sql.SQL(POLICY_EXPRESSION), sql.SQL(POLICY_EXPRESSION)
        )
    )


def _drop_single_column_keys(cursor: Any, tables: list[str]) -> None:
    """Drop foreign keys into tenant tables that do not link tenant_id to tenant_id: Django's own
    `(column) -> (id)` ones, from migrations made before the field was a TenantForeignKey.
    The composite key carries the integrity; the ORM carries out on_delete itself."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, c.conrelid::regclass::text = ANY (%(tables)s)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY (%(tables)s)
          AND NOT EXISTS (
            SELECT 1 FROM unnest(c.conkey, c.confkey) AS k(src, dst)
            JOIN pg_attribute sa ON sa.attrelid = c.conrelid AND sa.attnum = k.src
            JOIN pg_attribute da ON da.attrelid = c.confrelid AND da.attnum = k.dst
            WHERE sa.attname = 'tenant_id' AND da.attname = 'tenant_id')
        ORDER BY 1, 2
        """,
        {"tables": tables},
    )
    for table, name, from_tenant_table in cursor.fetchall():
        if not from_tenant_table:
            # Citus cannot have a reference table point into a distributed one (tenancy.checks).
            raise RuntimeError(
                f"{table}.{name}: a global table references a tenant table; make it tenant-owned"
            )
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(table), sql.Identifier(name))
        )


def _apply_tenant_primary_key(cursor: Any, table: str) -> None:
    """Make the primary key (tenant_id, id): Citus enforces a key only with the distribution
    column in it. `id` keeps its values and its identity sequence, which keeps ids unique
    across tenants; a later migration that alters the key gets it back here."""
    cursor.execute(
        "SELECT conname, conindid, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    current = cursor.fetchone()
    if current and current[2] == "PRIMARY KEY (tenant_id, id)":
        return
    ident = sql.Identifier(table)
    # Django's statements by primary key (save, delete, refresh_from_db) say `WHERE id = ...`
    # without the tenant: they keep an index of their own. Not unique: a shard could not check that.
    cursor.execute(
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (id)").format(
            sql.Identifier(_constraint_name(table, "id_idx")), ident
        )
    )
    # (tenant_id, id) was unique once before it became the key (a constraint of its own).
    legacy_unique = _constraint_name(table, "tenant_id_uniq")
    cursor.execute(
        "SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
        [table, legacy_unique],
    )
    key_indexes = [row[0] for row in cursor.fetchall()] + ([current[1]] if current else [])
    # Composite keys that point at the old key's index go first; `_apply_composite_foreign_keys`
    # makes them again on the new one (checking every row once).
    cursor.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE contype = 'f' AND conindid = ANY (%s::oid[]) ORDER BY 1, 2",
        [key_indexes],
    )
    for source, name in cursor.fetchall():
        cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(sql.Identifier(source), sql.Identifier(name))
        )
    cursor.execute(
        sql.SQL("ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}").format(ident, sql.Identifier(legacy_unique))
    )
    key_name = current[0] if current else _constraint_name(table, "pkey")
    if current:
        cursor.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(ident, sql.Identifier(key_name)))
    cursor.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY (tenant_id, id)").format(
            ident, sql.Identifier(key_name)
        )
    )


# A foreign key as the catalog describes it: (columns, target table, on delete, deferred).
ForeignKeyShape = tuple[tuple[str, ...], str, str, bool]


def _composite_keys_in_place(cursor: Any, table: str) -> dict[ForeignKeyShape, str]:
    """This table's foreign keys of the shape this module makes: (tenant_id, column) to
    another table's (tenant_id, id), found by what they are, not by name (a renamed column
    keeps its key)."""
    cursor.execute(
        """
        SELECT c.conname,
               ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
               ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
               c.confrelid::regclass::text, c.confdeltype, c.condeferred
        FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = %s::regclass
        """,
        [table],
    )
    return {
        (tuple(columns), target, delete, deferred): name
        for name, columns, target_columns, target, delete, deferred in cursor.fetchall()
        if len(columns) == 2 and columns[0] == "tenant_id" and target_columns == ["tenant_id", "id"]
    }


def _apply_composite_foreign_keys(cursor: Any, model: type[models.Model]) -> None:
    table = model._meta.db_table
    wanted: dict[ForeignKeyShape, str] = {}
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.name == "tenant":
            continue
        target = field.related_model
        if not (isinstance(target, type) and issubclass(target, TenantOwned)):
            continue
        # The ORM carries out SET_NULL/PROTECT itself; only CASCADE is mirrored in SQL.
        delete = "c" if field.remote_field.on_delete is models.CASCADE else "a"
        shape: ForeignKeyShape = (("tenant_id", field.column), target._meta.db_table, delete, True)
        wanted[shape] = _constraint_name(table, f"{field.column}_tenant_fk")
        # The index that serves the composite key (and cascades), tenant first.
        cursor.execute(
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (tenant_id, {})").format(
                sql.Identifier(_constraint_name(table, f"{field.column}_tenant_idx")),
                sql.Identifier(table),
                sql.Identifier(field.column),
            )
        )
    in_place = _composite_keys_in_place(cursor, table)
    # A field that now points elsewhere, deletes otherwise, or is gone: its old key goes.
    for shape, name in in_place.items():
        if shape not in wanted:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.Identifier(table), sql.Identifier(name)
                )
            )
    for shape, name in wanted.items():
        if shape in in_place:
            continue
        columns, target_table, delete, _ = shape
        cursor.execute(
            sql.SQL(
                "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (tenant_id, {column}) "
                "REFERENCES {target} (tenant_id, id) ON DELETE {on_delete} "
                "DEFERRABLE INITIALLY DEFERRED"
            ).format(
                table=sql.Identifier(table),
                name=sql.Identifier(name),
                column=sql.Identifier(columns[1]),
                target=sql.Identifier(target_table),
                on_delete=sql.SQL("CASCADE" if delete == "c" else "NO ACTION"),
            )
        )


def _ensure_app_role(cursor: Any) -> None:
    role = app_role_name()
    password = connections["default"].settings_dict["PASSWORD"]
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    cursor.execute(
        sql.SQL(
            "{verb} ROLE {role} LOGIN PASSWORD {password} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
        ).format(verb=sql.SQL(verb), role=sql.Identifier(role), password=sql.Literal(password))
    )


def _grant_app_privileges(cursor: Any) -> None:
    role = sql.Identifier(app_role_name())
    cursor.execute("SELECT current_database()")
    database = sql.Identifier(cursor.fetchone()[0])
    cursor.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database, role))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
    cursor.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role)
    )
    cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
    cursor.execute(sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(role))
    for model in apps.get_models():
        if getattr(model, "append_only", False):
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(model._meta.db_table), role
                )
            )


def apply_tenant_security(using: str = "owner") -> None:
    """Idempotent; one transaction, so a failure leaves the schema as it was."""
    tables = [model._meta.db_table for model in tenant_models()]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for table in tables:
            _apply_rls(cursor, table)
        # Keys into (id) alone first: the primary keys they depend on are replaced next.
        _drop_single_column_keys(cursor, tables)
        for table in tables:
            _apply_tenant_primary_key(cursor, table)
        # Foreign keys after every (tenant_id, id) key exists.
        for model in tenant_models():
            _apply_composite_foreign_keys(cursor, model)
        if settings.MANAGE_APP_ROLE:
            _ensure_app_role(cursor)
        _grant_app_privileges(cursor)


def apply_tenant_security_after_migrate(sender: Any, using: str, **kwargs: Any) -> None:
    apply_tenant_security(using=using)
