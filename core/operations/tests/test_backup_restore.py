"""Backup and restore with the real pg_dump, pg_restore and psql, into databases made beside the test one."""

import io
import json
import re
import tarfile

import pytest
from django.core.management import CommandError, call_command

from operations.databases import user_relations
from operations.pgtools import PG_BIN_ENV, _embedded_bin
from operations.tests.conftest import (
    assert_isolated_for_the_app_role,
    connect_url,
    counts_at,
    populate_two_tenants,
    rewrite_archive,
    server_url,
)
from testing.factories import make_world


def _manifest(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_backup_restores_every_tenants_rows_and_files_into_a_fresh_database(scratch, settings, tmp_path):
    # given two tenants with tickets, messages and attachments, and a backup of them
    tenants = populate_two_tenants(settings, tmp_path / "media")
    acme, globex = (tenants[slug].world.tenant for slug in ("acme", "globex"))
    archive = tmp_path / "site.tar"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "pg_dump" in out.getvalue() and "media.tar: 2 files" in out.getvalue()
    manifest = _manifest(archive)
    assert {t["slug"] for t in manifest["tenants"]} == {"acme", "globex"}
    assert manifest["migrations"]["tickets"] and manifest["parts"]["database.dump"]["sha256"]

    # when it is restored into a new, empty database and attachments folder
    target = scratch.empty("restored")
    media = tmp_path / "restored-media"
    out = io.StringIO()
    call_command(
        "restore", input=str(archive), database_url=server_url(target), media_dir=str(media), stdout=out
    )

    # then every tenant has the same rows there, the files are the same bytes, isolation holds
    assert "every row count matches" in out.getvalue()
    source = counts_at(server_url(settings.DATABASES["owner"]["NAME"]))
    restored = counts_at(server_url(target))
    assert restored == source
    assert restored[acme.id]["tickets_ticket"] == 3 and restored[globex.id]["tickets_ticket"] == 2
    assert restored[acme.id]["tickets_attachment"] == 1 and restored[acme.id]["tickets_message"] == 7
    for tenant in tenants.values():
        assert (media / tenant.attachment_name).read_bytes() == tenant.attachment_bytes
    assert_isolated_for_the_app_role(server_url(target), acme.id, tickets=3)

    # and a second restore into the now full database is refused, changing nothing
    with pytest.raises(CommandError, match=r"is not empty .* pass --force"):
        call_command("restore", input=str(archive), database_url=server_url(target), media_dir=str(media))
    assert counts_at(server_url(target)) == source


def test_a_damaged_archive_is_refused_and_a_count_mismatch_fails_with_a_table(scratch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_world("acme")
    archive = tmp_path / "site.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=str(archive), stdout=io.StringIO())
    target = scratch.empty("damaged")
    url = server_url(target)

    # one flipped byte in the dump: refused before anything is written
    def flip(name, data):
        if name != "database.dump":
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    rewrite_archive(archive, tmp_path / "damaged.tar", flip)
    with pytest.raises(CommandError, match=r"is damaged: database.dump has SHA-256 .* Nothing was restored"):
        call_command(
            "restore", input=str(tmp_path / "damaged.tar"), database_url=url, media_dir=str(tmp_path / "m")
        )
    with connect_url(url) as conn:
        assert user_relations(conn) == []

    # a manifest that claims one more ticket than the dump holds: restored, then reported
    def claim_more(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tenants"][0]["rows"]["tickets_ticket"] += 1
        return json.dumps(manifest).encode()

    rewrite_archive(archive, tmp_path / "lying.tar", claim_more)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 row counts differ"):
        call_command(
            "restore",
            input=str(tmp_path / "lying.tar"),
            database_url=url,
            media_dir=str(tmp_path / "m"),
            stdout=out,
        )
    table = out.getvalue()
    assert "in backup" in table and "restored" in table
    assert re.search(r"^acme \(id \d+\)\s+tickets_ticket\s+1\s+0$", table, re.MULTILINE), table


def test_a_non_superuser_owner_restores_and_backs_up_every_tenant(scratch, settings, tmp_path, monkeypatch):
    """Such an owner is itself subject to the FORCEd policies: without the cross-tenant
    setting pg_dump fails, or with row security on, silently dumps no tenant rows."""
    populate_two_tenants(settings, tmp_path / "media")
    archive = tmp_path / "site.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    password = "Owner-of-the-shard-42"
    role = scratch.role("owner", password)
    target = scratch.empty("by_role", owner=role)
    url = server_url(target, user=role, password=password)
    # An owner that is not a superuser cannot manage the app role: DATABASE_APP_URL names it.
    settings.MANAGE_APP_ROLE = False
    # PostgreSQL 18's tools whatever the server; against an older one this is the path where
    # the restore script must lose pg_restore 18's `SET transaction_timeout`.
    assert _embedded_bin() is not None
    monkeypatch.setenv(PG_BIN_ENV, str(_embedded_bin()))

    call_command(
        "restore", input=str(archive), database_url=url, media_dir=str(tmp_path / "m"), stdout=io.StringIO()
    )
    again = tmp_path / "again.tar"
    call_command("backup", output=str(again), database_url=url, no_media=True, stdout=io.StringIO())

    first, second = _manifest(archive), _manifest(again)
    assert second["postgres"]["pg_dump_major"] == 18
    assert second["tenants"] == first["tenants"]
    assert all(sum(tenant["rows"].values()) > 20 for tenant in second["tenants"])
    # the role's dump holds those rows too: restoring it checks every count against the manifest
    out = io.StringIO()
    call_command("restore", input=str(again), database_url=server_url(scratch.empty("again")), stdout=out)
    assert "every row count matches" in out.getvalue()
