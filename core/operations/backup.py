"""Whole-installation backup: one pg_dump and the attachments folder, in one checked archive.

The row counts in the manifest and the dump come from one snapshot: the counting
transaction exports its snapshot and pg_dump reads through it (`--snapshot`), so what the
restore later compares is exactly what the dump holds, even while the site is busy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from db.tenant_setting import CROSS_TENANT_SETTING
from operations.archive import check_new_output, describe_part, human_bytes, staging_dir, write_archive
from operations.databases import (
    alias_params,
    connect,
    count_rows,
    frontline_version,
    migration_heads,
    record_platform_audit,
    server_version,
    target_alias,
)
from operations.media import pack_media, storage_root
from operations.pgtools import find_tool, libpq_env, run_tool

BACKUP_FORMAT = "frontline-backup"
DUMP_PART = "database.dump"
MEDIA_PART = "media.tar"
# pg_dump's session may read every tenant's rows (the policy's cross-tenant switch), with
# row security on, so a non-superuser owner subject to FORCE RLS dumps everything too.
CROSS_TENANT_OPTION = f"-c {CROSS_TENANT_SETTING}=on"

Say = Callable[[str], None]


def backup_create(
    *, output: Path, database_url: str | None = None, include_media: bool = True, say: Say = print
) -> dict[str, Any]:
    """Write a backup archive of this installation (or of the database at `database_url`)."""
    started = time.monotonic()
    output = check_new_output(output)
    media_root = storage_root() if include_media else None
    with target_alias(database_url) as alias:
        manifest, size = _backup(alias, output, media_root, say)
    say(f"Wrote {output} ({human_bytes(size)}) in {time.monotonic() - started:.1f} s.")
    return manifest


def _backup(alias: str, output: Path, media_root: Path | None, say: Say) -> tuple[dict[str, Any], int]:
    params = alias_params(alias)
    with connect(alias, autocommit=True) as conn:
        server = server_version(conn)
        pg_dump = find_tool("pg_dump", min_major=server // 10000, server_major=server // 10000)
        say(
            f"Database {params.get('dbname')} on PostgreSQL {server // 10000}.{server % 10000}; "
            f"dumping with pg_dump {pg_dump.version} ({pg_dump.path})."
        )
        record_platform_audit(alias, "backup: every tenant's rows (pg_dump and row counts)")
        with staging_dir(output) as staged:
            manifest = _dump_database(conn, pg_dump.path, params, staged, say)
            manifest["postgres"].update(server_version_num=server, pg_dump_version=pg_dump.version)
            manifest["postgres"]["pg_dump_major"] = pg_dump.major
            manifest["media"] = {"files": 0, "bytes": 0, "included": media_root is not None}
            if media_root is not None:
                say(f"Packing attachments from {media_root} ...")
                files, size = pack_media(media_root, staged / MEDIA_PART)
                manifest["media"].update(files=files, bytes=size)
                manifest["parts"][MEDIA_PART] = describe_part(staged / MEDIA_PART)
                say(f"  {MEDIA_PART}: {files} files, {human_bytes(size)}.")
            return manifest, write_archive(output, staged, manifest)


def _dump_database(
    conn: psycopg.Connection[Any], pg_dump: Path, params: dict[str, str], staged: Path, say: Say
) -> dict[str, Any]:
    """Count and dump inside one repeatable-read snapshot; returns the manifest so far."""
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    with conn.transaction():
        row = conn.execute("SELECT pg_export_snapshot(), current_database()").fetchone()
        assert row is not None
        snapshot, database = row
        say("Counting rows per tenant in every tenant table ...")
        per_tenant, global_rows = count_rows(conn)
        slugs = dict(conn.execute("SELECT id, slug FROM tenancy_tenant").fetchall())
        heads = migration_heads(conn)
        total = sum(sum(tables.values()) for tables in per_tenant.values())
        say(f"  {len(per_tenant)} tenants, {total} tenant rows, {sum(global_rows.values())} other rows.")
        say(f"Dumping database {database} (pg_dump --format=custom) ...")
        run_tool(
            [
                str(pg_dump),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--enable-row-security",
                "--no-password",
                f"--file={staged / DUMP_PART}",
            ],
            libpq_env(params, options=CROSS_TENANT_OPTION),
            what="pg_dump",
        )
    dump = describe_part(staged / DUMP_PART)
    say(f"  {DUMP_PART}: {human_bytes(dump['bytes'])}.")
    return {
        "format": BACKUP_FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "frontline": frontline_version(),
        "database": database,
        "postgres": {},
        "migrations": heads,
        "tenants": [
            {"id": tenant_id, "slug": slugs.get(tenant_id), "rows": rows}
            for tenant_id, rows in sorted(per_tenant.items())
        ],
        "global_rows": global_rows,
        "parts": {DUMP_PART: dump},
    }
