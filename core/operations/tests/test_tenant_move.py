"""Moving one tenant to another installation: export from the test database, import into a fresh one."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connections, models

from db.tenant_setting import CROSS_TENANT_SETTING
from operations.tenant_tables import tenant_table_specs
from operations.tests.conftest import (
    assert_isolated_for_the_app_role,
    connect_url,
    counts_at,
    populate_two_tenants,
    rewrite_archive,
    server_url,
)
from tenancy.security import tenant_models


@pytest.fixture
def shard(scratch):
    """A freshly migrated installation's database (copied before the test writes any data)."""
    return server_url(scratch.migrated("shard"))


@pytest.fixture
def tenants(shard, settings, tmp_path):
    return populate_two_tenants(settings, tmp_path / "media")


def _emails(url):
    with connect_url(url) as conn:
        return {row[0] for row in conn.execute("SELECT email FROM accounts_user")}


def _export(tmp_path, slug="acme"):
    archive = tmp_path / f"{slug}.tar"
    call_command("export_tenant", tenant=slug, output=str(archive), stdout=io.StringIO())
    return archive


def test_one_tenant_moves_to_a_fresh_installation_with_its_users_and_files(
    shard, tenants, tmp_path, settings
):
    acme, globex = tenants["acme"], tenants["globex"]
    source = counts_at(server_url(settings.DATABASES["owner"]["NAME"]))

    # when acme is exported and imported into the fresh installation
    archive = _export(tmp_path)
    media = tmp_path / "shard-media"
    out = io.StringIO()
    call_command("import_tenant", input=str(archive), database_url=shard, media_dir=str(media), stdout=out)
    assert "Tenant acme" in out.getvalue()

    # then it has acme's rows, every one, and nothing of globex
    moved = counts_at(shard)
    assert moved == {acme.world.tenant.id: source[acme.world.tenant.id]}
    assert sum(moved[acme.world.tenant.id].values()) > 20
    assert _emails(shard) == {member.user.email for member in acme.world.members.values()}
    assert (media / acme.attachment_name).read_bytes() == acme.attachment_bytes
    assert not (media / globex.attachment_name).exists()
    # and row-level security still holds there, for the app role too
    assert_isolated_for_the_app_role(shard, acme.world.tenant.id, tickets=3)
    # and the sequences are past the imported ids
    with connect_url(shard) as conn, conn.transaction():
        conn.execute("SELECT set_config(%s, 'on', true)", [CROSS_TENANT_SETTING])
        (top,) = conn.execute("SELECT max(id) FROM tickets_message").fetchone()
        (following,) = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('tickets_message', 'id'))"
        ).fetchone()
    assert following > top

    # when it is imported again, even under another slug: refused, nothing changes
    with pytest.raises(CommandError, match=r"Tenant id \d+ exists here already"):
        call_command(
            "import_tenant", input=str(archive), database_url=shard, media_dir=str(media), slug="acme-2"
        )
    assert counts_at(shard) == moved


def test_an_import_that_cannot_finish_leaves_nothing_behind(shard, tenants, tmp_path):
    acme = tenants["acme"].world
    archive = _export(tmp_path)
    first_member = min(member.id for member in acme.members.values())
    # given a target where one of acme's membership ids is taken by another tenant
    with connect_url(shard) as conn, conn.transaction():
        conn.execute("SELECT set_config(%s, 'on', true)", [CROSS_TENANT_SETTING])
        conn.execute(
            "INSERT INTO accounts_user (id, password, is_superuser, email, full_name, is_active, is_staff, "
            "date_joined) VALUES (900001, '!', false, 'squatter@elsewhere.test', '', true, false, now())"
        )
        conn.execute(
            "INSERT INTO tenancy_tenant (id, slug, name, status, settings, created_at) "
            "VALUES (900001, 'elsewhere', 'Elsewhere', 'active', '{}', now())"
        )
        conn.execute(
            "INSERT INTO tenancy_membership (id, role, created_at, tenant_id, user_id) "
            "VALUES (%s, 'agent', now(), 900001, 900001)",
            [first_member],
        )
    before = counts_at(shard)
    media = tmp_path / "shard-media"

    # when acme is imported: refused with the table that collides, and nothing of acme is there
    with pytest.raises(CommandError, match=r"tenancy_membership: 1 ids of the export are taken here already"):
        call_command("import_tenant", input=str(archive), database_url=shard, media_dir=str(media))
    assert counts_at(shard) == before
    assert _emails(shard) == {"squatter@elsewhere.test"}
    assert not media.exists() or not any(media.rglob("*"))

    # an export from another schema is refused before any work
    def future(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["tickets"] = ["9999_from_the_future"]
        return json.dumps(manifest).encode()

    rewrite_archive(archive, tmp_path / "future.tar", future)
    with pytest.raises(CommandError, match=r"schema differs from the export's .* tickets: "):
        call_command("import_tenant", input=str(tmp_path / "future.tar"), database_url=shard, slug="acme-3")
    with pytest.raises(CommandError, match="No tenant with slug 'nobody'"):
        _export(tmp_path, "nobody")


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_table_with_a_tenant_id_is_moved_after_the_tables_it_points_at():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'tenant_id'"
        )
        with_tenant_id = {row[0] for row in cursor.fetchall()}
    specs = tenant_table_specs()
    assert {spec.table for spec in specs} == with_tenant_id
    position = {spec.table: n for n, spec in enumerate(specs)}
    for model in tenant_models():
        for field in model._meta.concrete_fields:
            target = field.related_model
            if isinstance(field, models.ForeignKey) and target in tenant_models() and target is not model:
                assert position[target._meta.db_table] < position[model._meta.db_table]
