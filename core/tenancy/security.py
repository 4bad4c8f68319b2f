"""Database-side tenant isolation, applied after every migrate as the owner role.

For every model that subclasses `TenantOwned` this makes sure that:
- row-level security is ENABLEd and FORCEd, with one policy on `app.tenant_id`;
- `(tenant_id, id)` is unique, so other tables can reference it;
- every foreign key to another tenant-owned table also carries `tenant_id`
  (a composite foreign key, with its `(tenant_id, column)` index), so no row can
  point into another tenant;
- the restricted app role exists (unless DATABASE_APP_URL names one) and has only
  the privileges it needs; append-only tables get no UPDATE or DELETE.

Doing this from the model registry, not by hand in each migration, means a new
tenant table cannot be forgotten; `tenancy/tests/test_rls_catalog.py` checks the result.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, models
from psycopg import sql

from tenancy.context import CROSS_TENANT_SETTING, CURRENT_TENANT_SQL
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


def _apply_tenant_keys(cursor: Any, model: type[models.Model]) -> None:
    table = model._meta.db_table
    unique_name = _constraint_name(table, "tenant_id_uniq")
    if not _constraint_exists(cursor, table, unique_name):
        cursor.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE (tenant_id, id)").format(
                sql.Identifier(table), sql.Identifier(unique_name)
            )
        )


def _apply_composite_foreign_keys(cursor: Any, model: type[models.Model]) -> None:
    table = model._meta.db_table
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or field.name == "tenant":
            continue
        target = field.related_model
        if not (isinstance(target, type) and issubclass(target, TenantOwned)):
            continue
        # The index that serves the composite key (and cascades), tenant first.
        cursor.execute(
            sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (tenant_id, {})").format(
                sql.Identifier(_constraint_name(table, f"{field.column}_tenant_idx")),
                sql.Identifier(table),
                sql.Identifier(field.column),
            )
        )
        name = _constraint_name(table, f"{field.column}_tenant_fk")
        if _constraint_exists(cursor, table, name):
            continue
        # The ORM carries out SET_NULL/PROTECT itself; only CASCADE is mirrored in SQL.
        on_delete = "CASCADE" if field.remote_field.on_delete is models.CASCADE else "NO ACTION"
        cursor.execute(
            sql.SQL(
                "ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (tenant_id, {column}) "
                "REFERENCES {target} (tenant_id, id) ON DELETE {on_delete} "
                "DEFERRABLE INITIALLY DEFERRED"
            ).format(
                table=sql.Identifier(table),
                name=sql.Identifier(name),
                column=sql.Identifier(field.column),
                target=sql.Identifier(target._meta.db_table),
                on_delete=sql.SQL(on_delete),
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
    with connections[using].cursor() as cursor:
        for model in tenant_models():
            table = model._meta.db_table
            _apply_rls(cursor, table)
            _apply_tenant_keys(cursor, model)
        # Foreign keys after every (tenant_id, id) key exists.
        for model in tenant_models():
            _apply_composite_foreign_keys(cursor, model)
        if settings.MANAGE_APP_ROLE:
            _ensure_app_role(cursor)
        _grant_app_privileges(cursor)


def apply_tenant_security_after_migrate(sender: Any, using: str, **kwargs: Any) -> None:
    apply_tenant_security(using=using)
