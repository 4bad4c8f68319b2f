"""Importing one tenant's export into this installation (or another database), all or nothing.

Ids: the tenant and every tenant row keep their original primary keys. That is what moving a
tenant to a shard needs: API clients, webhooks consumers and links that stored an id keep
working, and tenant ids stay unique across installations. An id already taken in the target
is refused with its table, before anything is written; the sequences are then moved past
the imported ids. Users are global rows: each is matched by email to a user of the target,
or created there with a new id (never as a platform operator), and the tenant's rows are
pointed at it.

Outbox events keep their state: history stays published and is not published again; events
the source had not published yet are published by the target's relay.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from psycopg import sql

from operations.archive import open_archive
from operations.backup import Say
from operations.databases import allow_cross_tenant, django_connection, migration_heads, target_alias
from operations.errors import OperationError
from operations.tenant_export import EXPORT_FORMAT, media_part
from operations.tenant_tables import TableSpec, tenant_spec, tenant_table_specs, user_spec
from tenancy.models import AuditAction, PlatformAuditEvent, Tenant

STAGE = "operations_import_stage"
USER_STAGE = "operations_import_users"
USER_MAP = "operations_import_user_map"
# Platform rights are not part of a tenant: a user created by an import is never one.
PLATFORM_FLAGS = {"is_superuser", "is_staff"}


@dataclass(frozen=True)
class ImportResult:
    tenant_id: int
    slug: str
    rows: int
    users_created: int
    users_matched: int
    files: int


def tenant_import(
    *,
    archive: Path,
    slug: str | None = None,
    database_url: str | None = None,
    storage: Storage = default_storage,
    say: Say = print,
) -> ImportResult:
    started = time.monotonic()
    with open_archive(archive, kind=EXPORT_FORMAT) as (manifest, parts), target_alias(database_url) as alias:
        source = manifest["tenant"]
        new_slug = _checked_slug(slug or source["slug"])
        _refuse_other_schema(manifest, migration_heads(django_connection(alias)))
        tables = _matching_tables(manifest)
        files = _files_to_write(manifest, parts, storage)
        say(
            f"Importing tenant {source['slug']} (id {source['id']}) as {new_slug} into {_database(alias)} ..."
        )
        written: list[str] = []
        try:
            with transaction.atomic(using=alias):
                conn = connections[alias].connection
                allow_cross_tenant(conn)
                _refuse_existing(conn, int(source["id"]), new_slug)
                _load_tenant(conn, manifest, parts, new_slug)
                created, matched = _load_users(conn, manifest, parts)
                rows = sum(_load_table(conn, spec, entry, parts, int(source["id"])) for spec, entry in tables)
                _reset_sequences(conn, [Tenant._meta.db_table] + [spec.table for spec, _ in tables])
                PlatformAuditEvent.objects.using(alias).create(
                    action=AuditAction.CROSS_TENANT,
                    detail={"reason": f"import_tenant {new_slug} from {archive.name}"},
                )
                for name, path in files:
                    written.append(_save_file(storage, name, path))
        except BaseException:
            for name in written:
                storage.delete(name)
            raise
    say(
        f"Imported {rows} rows, {created} new and {matched} existing users, {len(files)} files "
        f"in {time.monotonic() - started:.1f} s."
    )
    return ImportResult(int(source["id"]), new_slug, rows, created, matched, len(files))


def _database(alias: str) -> str:
    return str(connections[alias].settings_dict.get("NAME"))


def _checked_slug(slug: str) -> str:
    try:
        Tenant._meta.get_field("slug").run_validators(slug)
    except ValidationError as exc:
        raise OperationError(f"{slug!r} is not a valid tenant slug: {' '.join(exc.messages)}") from exc
    return slug


def _refuse_other_schema(manifest: dict[str, Any], heads: dict[str, list[str]]) -> None:
    """Rows are loaded column by column: both installations must be at the same migrations."""
    exported = manifest["migrations"]
    differ = sorted(app for app in set(exported) | set(heads) if exported.get(app) != heads.get(app))
    if differ:
        app = differ[0]
        raise OperationError(
            f"The target's schema differs from the export's ({len(differ)} apps, e.g. {app}: "
            f"{', '.join(heads.get(app, ['none']))} here, {', '.join(exported.get(app, ['none']))} in the "
            "export). Run the same Frontline version on both and `migrate`, then import."
        )


def _matching_tables(manifest: dict[str, Any]) -> list[tuple[TableSpec, dict[str, Any]]]:
    exported = {entry["table"]: entry for entry in manifest["tables"]}
    specs = tenant_table_specs()
    ours = {spec.table for spec in specs}
    if set(exported) != ours or any(exported[spec.table]["columns"] != spec.columns for spec in specs):
        raise OperationError("The export's tables or columns differ from this Frontline's; export again.")
    if manifest["users"]["columns"] != user_spec().columns:
        raise OperationError("The export's user columns differ from this Frontline's; export again.")
    return [(spec, exported[spec.table]) for spec in specs]


def _files_to_write(manifest: dict[str, Any], parts: Path, storage: Storage) -> list[tuple[str, Path]]:
    """The export's files the storage lacks; the same file there already is fine, another is not."""
    todo = []
    for name in manifest["media"]["files"]:
        expected = manifest["parts"][media_part(name)]["sha256"]
        if storage.exists(name):
            digest = hashlib.sha256()
            with storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                raise OperationError(f"The storage has another file at {name} already. Nothing was changed.")
            continue
        todo.append((name, parts / media_part(name)))
    return todo


def _save_file(storage: Storage, name: str, path: Path) -> str:
    with path.open("rb") as handle:
        saved = storage.save(name, File(handle))
    if saved != name:
        storage.delete(saved)
        raise OperationError(f"A file appeared at {name} during the import. Nothing was changed.")
    return saved


def _refuse_existing(conn: psycopg.Connection[Any], tenant_id: int, slug: str) -> None:
    row = conn.execute("SELECT slug FROM tenancy_tenant WHERE id = %s", [tenant_id]).fetchone()
    if row:
        raise OperationError(
            f"Tenant id {tenant_id} exists here already (slug {row[0]!r}): this export was imported "
            "before, or the ids collide. Nothing was changed."
        )
    if conn.execute("SELECT 1 FROM tenancy_tenant WHERE slug = %s", [slug]).fetchone():
        raise OperationError(
            f"A tenant with slug {slug!r} exists here already: pass --slug NEW to import under another "
            "slug. Nothing was changed."
        )


def _stage(conn: psycopg.Connection[Any], stage: str, spec: TableSpec, source: Path) -> int:
    """A temporary copy of `spec.table`'s shape, filled from the export's COPY file."""
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} (LIKE {}) ON COMMIT DROP").format(
            sql.Identifier(stage), sql.Identifier(spec.table)
        )
    )
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(stage), sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    )
    with conn.cursor() as cursor, source.open("rb") as handle:
        with cursor.copy(query) as copy:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                copy.write(chunk)
        return cursor.rowcount


def _insert_from_stage(conn: psycopg.Connection[Any], stage: str, spec: TableSpec) -> int:
    columns = sql.SQL(", ").join(map(sql.Identifier, spec.columns))
    cursor = conn.execute(
        sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
            sql.Identifier(spec.table), columns, columns, sql.Identifier(stage)
        )
    )
    conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(stage)))
    return cursor.rowcount


def _load_tenant(conn: psycopg.Connection[Any], manifest: dict[str, Any], parts: Path, slug: str) -> None:
    spec = tenant_spec()
    _stage(conn, STAGE, spec, parts / manifest["tenant_row"]["part"])
    conn.execute(sql.SQL("UPDATE {} SET slug = %s").format(sql.Identifier(STAGE)), [slug])
    _insert_from_stage(conn, STAGE, spec)


def _load_users(conn: psycopg.Connection[Any], manifest: dict[str, Any], parts: Path) -> tuple[int, int]:
    """(created, matched): fills the map from exported user ids to this installation's."""
    spec = user_spec()
    _stage(conn, USER_STAGE, spec, parts / manifest["users"]["part"])
    stage, user_map, users = sql.Identifier(USER_STAGE), sql.Identifier(USER_MAP), sql.Identifier(spec.table)
    conn.execute(
        sql.SQL(
            "CREATE TEMP TABLE {} (old_id bigint PRIMARY KEY, new_id bigint NOT NULL) ON COMMIT DROP"
        ).format(user_map)
    )
    matched = conn.execute(
        sql.SQL(
            "INSERT INTO {map} SELECT s.id, u.id FROM {stage} s "
            "JOIN {users} u ON lower(u.email) = lower(s.email)"
        ).format(map=user_map, stage=stage, users=users)
    ).rowcount
    columns = [column for column in spec.columns if column != "id"]
    values = [sql.SQL("false") if column in PLATFORM_FLAGS else sql.Identifier(column) for column in columns]
    created = conn.execute(
        sql.SQL(
            "WITH created AS (INSERT INTO {users} ({columns}) SELECT {values} FROM {stage} s "
            "WHERE NOT EXISTS (SELECT 1 FROM {map} m WHERE m.old_id = s.id) RETURNING id, email) "
            "INSERT INTO {map} SELECT s.id, c.id FROM created c "
            "JOIN {stage} s ON lower(s.email) = lower(c.email)"
        ).format(
            users=users,
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(values),
            stage=stage,
            map=user_map,
        )
    ).rowcount
    return created, matched


def _count(
    conn: psycopg.Connection[Any], query: sql.Composed, params: list[Any] | None = None
) -> tuple[Any, ...]:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return tuple(row)


def _load_table(
    conn: psycopg.Connection[Any], spec: TableSpec, entry: dict[str, Any], parts: Path, tenant_id: int
) -> int:
    staged = _stage(conn, STAGE, spec, parts / entry["part"])
    stage, table = sql.Identifier(STAGE), sql.Identifier(spec.table)
    if staged != entry["rows"]:
        raise OperationError(
            f"{spec.table}: the export holds {staged} rows, its manifest says {entry['rows']}."
        )
    (foreign,) = _count(
        conn, sql.SQL("SELECT count(*) FROM {} WHERE tenant_id <> %s").format(stage), [tenant_id]
    )
    if foreign:
        raise OperationError(f"{spec.table}: {foreign} rows of the export belong to another tenant.")
    taken, first = _count(
        conn, sql.SQL("SELECT count(*), min(s.id) FROM {} s JOIN {} t ON t.id = s.id").format(stage, table)
    )
    if taken:
        raise OperationError(
            f"{spec.table}: {taken} ids of the export are taken here already (the first is {first}). "
            "Imports keep the original ids: import into an installation where they are free (a fresh "
            "one for a shard). Nothing was changed."
        )
    for column in spec.user_columns:
        col = sql.Identifier(column)
        (unknown,) = _count(
            conn,
            sql.SQL(
                "SELECT count(*) FROM {stage} s WHERE s.{col} IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM {map} m WHERE m.old_id = s.{col})"
            ).format(stage=stage, col=col, map=sql.Identifier(USER_MAP)),
        )
        if unknown:
            raise OperationError(f"{spec.table}.{column}: {unknown} rows point at users the export lacks.")
        conn.execute(
            sql.SQL("UPDATE {stage} s SET {col} = m.new_id FROM {map} m WHERE s.{col} = m.old_id").format(
                stage=stage, col=col, map=sql.Identifier(USER_MAP)
            )
        )
    return _insert_from_stage(conn, STAGE, spec)


def _reset_sequences(conn: psycopg.Connection[Any], tables: list[str]) -> None:
    """Move each id sequence past the imported ids, so the next insert does not collide."""
    for table in tables:
        row = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()
        if not row or not row[0]:
            continue
        conn.execute(
            sql.SQL(
                "SELECT setval({seq}::regclass, top) FROM (SELECT max(id) AS top FROM {table}) AS t "
                "WHERE top > coalesce(pg_sequence_last_value({seq}::regclass), 0)"
            ).format(seq=sql.Literal(row[0]), table=sql.Identifier(table))
        )
