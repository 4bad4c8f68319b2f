"""Exporting one tenant: its rows of every tenant table, the users it needs, and its files.

Rows are copied with COPY in PostgreSQL's text format (exact for every type, fast for a big
tenant), one file per table, all from one repeatable-read snapshot. The export keeps every
original id: see `tenant_import` for why.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from django.core.files.storage import Storage, default_storage
from psycopg import sql

from db.tenant_setting import TENANT_SETTING
from operations.archive import check_new_output, describe_part, human_bytes, staging_dir, write_archive
from operations.backup import Say
from operations.databases import connect, frontline_version, migration_heads, record_platform_audit
from operations.errors import OperationError
from operations.tenant_tables import TableSpec, tenant_spec, tenant_table_specs, user_spec

EXPORT_FORMAT = "frontline-tenant-export"


def copy_part(table: str) -> str:
    return f"tables/{table}.copy"


def media_part(name: str) -> str:
    return f"media/{name}"


def tenant_export(
    *,
    slug: str,
    output: Path,
    storage: Storage = default_storage,
    include_media: bool = True,
    say: Say = print,
) -> dict[str, Any]:
    started = time.monotonic()
    output = check_new_output(output)
    specs = tenant_table_specs()
    with connect("owner", autocommit=True) as conn:
        row = conn.execute(
            "SELECT id, slug, name, status FROM tenancy_tenant WHERE slug = %s", [slug]
        ).fetchone()
        if row is None:
            raise OperationError(f"No tenant with slug {slug!r} here.")
        tenant = dict(zip(["id", "slug", "name", "status"], row, strict=True))
        if tenant["status"] == "active":
            say(
                f"Note: {slug} is active; changes made after this export are not in it. To move it, "
                "suspend it first and keep it suspended until the import is done."
            )
        record_platform_audit("owner", f"export_tenant {slug}: every row and file of the tenant")
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with staging_dir(output) as staged:
            (staged / "tables").mkdir()
            with conn.transaction():
                # The owner too sees only this tenant's rows (FORCE RLS); the WHERE says it again.
                conn.execute("SELECT set_config(%s, %s, true)", [TENANT_SETTING, str(tenant["id"])])
                manifest = _export_rows(conn, tenant, specs, staged, say)
                names = _file_names(conn, tenant["id"], specs, storage) if include_media else []
            manifest["media"] = _export_files(storage, names, staged, manifest["parts"], say)
            size = write_archive(output, staged, manifest)
    say(f"Wrote {output} ({human_bytes(size)}) in {time.monotonic() - started:.1f} s.")
    return manifest


def _copy_out(conn: psycopg.Connection[Any], spec: TableSpec, where: sql.Composable, dest: Path) -> int:
    query = sql.SQL("COPY (SELECT {columns} FROM {table} WHERE {where} ORDER BY id) TO STDOUT").format(
        columns=sql.SQL(", ").join(map(sql.Identifier, spec.columns)),
        table=sql.Identifier(spec.table),
        where=where,
    )
    with dest.open("wb") as handle, conn.cursor() as cursor:
        with cursor.copy(query) as copy:
            for chunk in copy:
                handle.write(chunk)
        return cursor.rowcount


def _export_rows(
    conn: psycopg.Connection[Any], tenant: dict[str, Any], specs: list[TableSpec], staged: Path, say: Say
) -> dict[str, Any]:
    tenant_id = sql.Literal(int(tenant["id"]))
    parts: dict[str, Any] = {}
    tables: list[dict[str, Any]] = []
    say(f"Exporting tenant {tenant['slug']} (id {tenant['id']}) from {len(specs)} tenant tables ...")
    for spec in specs:
        part = copy_part(spec.table)
        rows = _copy_out(conn, spec, sql.SQL("tenant_id = {}").format(tenant_id), staged / part)
        parts[part] = describe_part(staged / part)
        tables.append({"table": spec.table, "columns": spec.columns, "rows": rows, "part": part})
    user_ids = _user_ids(conn, int(tenant["id"]), specs)
    users = user_spec()
    part = "users.copy"
    user_rows = _copy_out(conn, users, sql.SQL("id = ANY({})").format(sql.Literal(user_ids)), staged / part)
    parts[part] = describe_part(staged / part)
    tenant_rows = _copy_out(conn, tenant_spec(), sql.SQL("id = {}").format(tenant_id), staged / "tenant.copy")
    if tenant_rows != 1:  # a check that must hold under `python -O` too (not an assert)
        raise OperationError(f"The tenant's row was copied {tenant_rows} times, expected once.")
    parts["tenant.copy"] = describe_part(staged / "tenant.copy")
    total = sum(table["rows"] for table in tables)
    say(f"  {total} rows, {user_rows} users.")
    row = conn.execute(
        "SELECT count(*) FROM events_outboxevent WHERE tenant_id = %s AND published_at IS NULL",
        [tenant["id"]],
    ).fetchone()
    return {
        "format": EXPORT_FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "frontline": frontline_version(),
        "migrations": migration_heads(conn),
        "tenant": tenant,
        "tables": tables,
        "users": {"columns": users.columns, "rows": user_rows, "part": part},
        "tenant_row": {"columns": tenant_spec().columns, "part": "tenant.copy"},
        "unpublished_events": int(row[0]) if row else 0,
        "parts": parts,
    }


def _user_ids(conn: psycopg.Connection[Any], tenant_id: int, specs: list[TableSpec]) -> list[int]:
    """Members, and any other user a tenant row points at (an audit event's actor)."""
    ids: set[int] = set()
    for spec in specs:
        for column in spec.user_columns:
            query = sql.SQL(
                "SELECT DISTINCT {col} FROM {table} WHERE tenant_id = %s AND {col} IS NOT NULL"
            ).format(col=sql.Identifier(column), table=sql.Identifier(spec.table))
            ids.update(row[0] for row in conn.execute(query, [tenant_id]))
    return sorted(ids)


def _file_names(
    conn: psycopg.Connection[Any], tenant_id: int, specs: list[TableSpec], storage: Storage
) -> list[str]:
    """Files the rows name in FileFields, and every file under `<folder>/<tenant id>/`, where
    apps keep a tenant's other files (report exports)."""
    names: set[str] = set()
    for spec in specs:
        for column in spec.file_columns:
            query = sql.SQL("SELECT {col} FROM {table} WHERE tenant_id = %s AND {col} <> ''").format(
                col=sql.Identifier(column), table=sql.Identifier(spec.table)
            )
            names.update(row[0] for row in conn.execute(query, [tenant_id]))
    try:
        folders, _ = storage.listdir("")
    except FileNotFoundError:
        folders = []
    for folder in folders:
        names.update(_walk(storage, f"{folder}/{tenant_id}"))
    return sorted(names)


def _walk(storage: Storage, prefix: str) -> list[str]:
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        found.extend(_walk(storage, f"{prefix}/{folder}"))
    return found


def _export_files(
    storage: Storage, names: list[str], staged: Path, parts: dict[str, Any], say: Say
) -> dict[str, Any]:
    missing = []
    total = 0
    for name in names:
        if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
            raise OperationError(f"A stored file name leads outside the storage: {name!r}.")
        if not storage.exists(name):
            missing.append(name)
            continue
        dest = staged / media_part(name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with storage.open(name, "rb") as source, dest.open("wb") as handle:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                digest.update(chunk)
                handle.write(chunk)
        parts[media_part(name)] = {"bytes": dest.stat().st_size, "sha256": digest.hexdigest()}
        total += dest.stat().st_size
    say(f"  {len(names) - len(missing)} files, {human_bytes(total)}.")
    if missing:
        say(f"  Warning: {len(missing)} files named by rows are missing from storage (e.g. {missing[0]}).")
    return {"files": [name for name in names if name not in set(missing)], "bytes": total, "missing": missing}
