"""Restoring a backup archive into an empty database (or, with force, over one) and checking it.

The dump is replayed as one transaction (pg_restore's script through psql, all or nothing),
without the source's owners and grants: the restoring owner role owns everything, and the
tenant security step then gives this installation's app role exactly its privileges.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from operations.archive import human_bytes, open_archive
from operations.backup import BACKUP_FORMAT, CROSS_TENANT_OPTION, DUMP_PART, MEDIA_PART, Say
from operations.databases import (
    alias_params,
    code_migration_heads,
    connect,
    count_rows,
    record_platform_audit,
    server_version,
    target_alias,
    user_relations,
)
from operations.errors import OperationError
from operations.media import is_empty_folder, storage_root, unpack_media
from operations.pgtools import PgTool, find_tool, libpq_env, restore_script_filter
from operations.verify import Mismatch, compare_counts
from tenancy.security import apply_tenant_security

HEADER_LINES = 100  # the fixed settings pg_restore writes before the first object


@dataclass(frozen=True)
class RestoreResult:
    database: str
    mismatches: list[Mismatch]
    pending_migrations: bool


def backup_check(*, archive: Path, say: Say = print) -> dict[str, Any]:
    """Check an archive's parts against its manifest without restoring anything."""
    with open_archive(archive, kind=BACKUP_FORMAT) as (manifest, _):
        say(_summary(archive, manifest))
        return manifest


def backup_restore(
    *, archive: Path, database_url: str | None, media_dir: Path | None, force: bool, say: Say = print
) -> RestoreResult:
    with open_archive(archive, kind=BACKUP_FORMAT) as (manifest, parts), target_alias(database_url) as alias:
        say(_summary(archive, manifest))
        params = alias_params(alias)
        database = params.get("dbname", "?")
        with connect(alias, autocommit=True) as conn:
            server = server_version(conn)
            relations = user_relations(conn)
        _refuse_older_server(manifest, server)
        if relations and not force:
            raise OperationError(
                f"Database {database} is not empty ({len(relations)} tables and sequences, e.g. "
                f"{', '.join(relations[:3])}): restore into an empty database, or pass --force to "
                "replace what the archive holds. Nothing was changed."
            )
        media_root = _media_target(manifest, media_dir, force)
        files = 0
        pg_restore = find_tool(
            "pg_restore",
            min_major=max(server // 10000, int(manifest["postgres"]["pg_dump_major"])),
            server_major=server // 10000,
        )
        say(
            f"Restoring {DUMP_PART} into {database} with pg_restore {pg_restore.version} "
            "(one transaction) ..."
        )
        _replay_dump(pg_restore, parts / DUMP_PART, params, server // 10000, clean=bool(relations))
        say("Granting the app role its privileges (tenant security step) ...")
        apply_tenant_security(using=alias)
        if media_root is not None:
            files, size = unpack_media(parts / MEDIA_PART, media_root)
            say(f"Restored {files} attachment files ({human_bytes(size)}) into {media_root}.")
        say("Verifying row counts per tenant against the manifest ...")
        with connect(alias) as conn, conn.transaction():
            per_tenant, global_rows = count_rows(conn)
        mismatches = compare_counts(manifest, per_tenant, global_rows)
        if media_root is not None and manifest["media"]["files"] != files:
            mismatches.append(Mismatch("(all)", "attachment files", manifest["media"]["files"], files))
        record_platform_audit(alias, f"restore of {archive.name}: row counts verified")
        pending = manifest["migrations"] != code_migration_heads()
        return RestoreResult(database=database, mismatches=mismatches, pending_migrations=pending)


def _summary(archive: Path, manifest: dict[str, Any]) -> str:
    rows = sum(sum(entry["rows"].values()) for entry in manifest["tenants"])
    version = manifest["frontline"].get("version") or "?"
    commit = (manifest["frontline"].get("git_commit") or "")[:12]
    return (
        f"{archive.name}: checksums match; made {manifest['created_at']} by Frontline {version}"
        f"{f' ({commit})' if commit else ''} from {manifest['database']}: {len(manifest['tenants'])} "
        f"tenants, {rows} tenant rows, {manifest['media']['files']} attachment files."
    )


def _refuse_older_server(manifest: dict[str, Any], server: int) -> None:
    source = int(manifest["postgres"]["server_version_num"])
    if server // 10000 < source // 10000:
        raise OperationError(
            f"The backup comes from PostgreSQL {source // 10000}; this server is PostgreSQL "
            f"{server // 10000}. Restore into PostgreSQL {source // 10000} or newer."
        )


def _media_target(manifest: dict[str, Any], media_dir: Path | None, force: bool) -> Path | None:
    if not manifest["media"].get("included"):
        return None
    root = media_dir.expanduser().resolve() if media_dir else storage_root()
    if not force and not is_empty_folder(root):
        raise OperationError(
            f"The attachments folder {root} is not empty: restore into an empty one (--media-dir), "
            "or pass --force to write the archive's files over it. Nothing was changed."
        )
    return root


def _replay_dump(tool: PgTool, dump: Path, params: dict[str, str], server_major: int, *, clean: bool) -> None:
    """pg_restore writes the script, psql runs it in one transaction and stops at the first error."""
    argv = [str(tool.path), "--no-owner", "--no-privileges", "--enable-row-security", "--file=-", str(dump)]
    if clean:  # --force over existing tables: drop the archive's objects first, in the same transaction
        argv[1:1] = ["--clean", "--if-exists"]
    psql = [
        str(tool.sibling("psql")),
        "-X",
        "-q",
        "--no-password",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
    ]
    env = libpq_env(params, options=CROSS_TENANT_OPTION)
    drop = restore_script_filter(server_major, tool.major)
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        producer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=restore_err, env=env)
        consumer = subprocess.Popen(
            psql, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env
        )
        assert producer.stdout is not None
        assert consumer.stdin is not None
        try:
            _pipe(producer.stdout, consumer.stdin, drop)
        except BrokenPipeError:
            pass  # psql stopped at an error; its message says which
        finally:
            consumer.stdin.close()
            consumer.wait()
            if producer.poll() is None:
                producer.kill()
            producer.wait()
        if consumer.returncode != 0:
            raise OperationError(f"The restore failed and was rolled back: {_tail(psql_err)}")
        if producer.returncode != 0:
            raise OperationError(f"pg_restore could not read the dump: {_tail(restore_err)}")


def _pipe(source: IO[bytes], sink: IO[bytes], drop: set[bytes]) -> None:
    for _ in range(HEADER_LINES):
        line = source.readline()
        if not line:
            return
        if line not in drop:
            sink.write(line)
    shutil.copyfileobj(source, sink, 1024 * 1024)


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0)
    lines = [line for line in handle.read().decode(errors="replace").splitlines() if line.strip()]
    return " | ".join(lines[-3:]) or "no error output"
