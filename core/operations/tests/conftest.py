"""Scratch databases beside the test database, and two tenants with tickets, messages and files."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from psycopg import sql

from db.tenant_setting import TENANT_SETTING
from operations.databases import count_rows, tenant_tables
from tenancy.context import tenant_context
from testing.factories import TenantWorld, make_world
from tickets.services.attachments import attachment_upload
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create


def server_url(name: str, *, user: str | None = None, password: str | None = None) -> str:
    """A URL of database `name` on the test server, as the owner unless told otherwise."""
    owner = settings.DATABASES["owner"]
    auth = quote(user or str(owner["USER"]), safe="")
    secret = password if user else owner.get("PASSWORD")
    if secret:
        auth += ":" + quote(str(secret), safe="")
    host = quote(str(owner.get("HOST") or "127.0.0.1"), safe="")
    port = f":{owner['PORT']}" if owner.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


def maintenance() -> psycopg.Connection[Any]:
    owner = settings.DATABASES["owner"]
    return psycopg.connect(
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        user=owner.get("USER") or None,
        password=owner.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def connect_url(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


@dataclass
class ScratchDatabases:
    """Databases made by a test (empty, or copies of the empty migrated test database); dropped after."""

    made: list[str]
    roles: list[str]

    def empty(self, suffix: str, *, owner: str | None = None) -> str:
        name = self._name(suffix)
        with maintenance() as conn:
            query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if owner:
                query += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
            conn.execute(query)
        self.made.append(name)
        return name

    def migrated(self, suffix: str) -> str:
        """A migrated database with no rows: a copy of the test database (0.3 s), or, while another
        process holds a session on that, a new database migrated here (8 s)."""
        name = self._name(suffix)
        for alias in ("default", "owner"):  # a template must have no other sessions
            connections[alias].close()
            connections[alias].close_pool()  # type: ignore[attr-defined]
        template = sql.Identifier(settings.DATABASES["owner"]["NAME"])
        with maintenance() as conn:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), template))
                copied = True
            except psycopg.errors.ObjectInUse:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                copied = False
        self.made.append(name)
        if copied:
            with connect_url(server_url(name)) as conn:
                conn.execute(
                    sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                        sql.SQL(", ").join(map(sql.Identifier, data_tables(conn)))
                    )
                )
        else:
            _migrate(name)
        return name

    def role(self, suffix: str, password: str) -> str:
        name = self._name(suffix)
        with maintenance() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOBYPASSRLS").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )
        self.roles.append(name)
        return name

    def _name(self, suffix: str) -> str:
        return f"{settings.DATABASES['owner']['NAME']}_{suffix}"[:63]

    def drop_all(self) -> None:
        with maintenance() as conn:
            for name in self.made:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            for role in self.roles:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def data_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Every table but what migrate itself fills (as `testing.database.truncate_all_tables`)."""
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN "
        "('django_migrations', 'django_content_type', 'auth_permission')"
    ).fetchall()
    return [row[0] for row in rows]


def _migrate(name: str) -> None:
    """`migrate` (and its tenant security step) on database `name`, through the owner alias."""
    owner = settings.DATABASES["owner"]
    original = owner["NAME"]
    connections["owner"].close()
    owner["NAME"] = connections["owner"].settings_dict["NAME"] = name
    try:
        call_command("migrate", database="owner", verbosity=0, interactive=False)
    finally:
        connections["owner"].close()
        owner["NAME"] = connections["owner"].settings_dict["NAME"] = original


@pytest.fixture
def scratch(committed: None) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(made=[], roles=[])
    try:
        yield databases
    finally:
        databases.drop_all()


@dataclass
class TenantWithFiles:
    world: TenantWorld
    attachment_name: str
    attachment_bytes: bytes


def _populate(world: TenantWorld, tickets: int) -> TenantWithFiles:
    tenant, customer, agent = world.tenant, world.customer, world.agent
    content = f"report of {tenant.slug}\n".encode() * 50
    with tenant_context(tenant.id):
        for n in range(tickets):
            ticket = ticket_create(
                tenant=tenant, actor=customer, subject=f"Help {n}", body_text="It broke."
            ).ticket
            message_add(tenant=tenant, ticket=ticket, author=agent, body_text="On it.")
        attachment = attachment_upload(
            tenant=tenant,
            ticket=ticket,
            uploader=customer,
            upload=io.BytesIO(content),
            filename="report.txt",
            size=len(content),
        )
        message_add(
            tenant=tenant, ticket=ticket, author=customer, body_text="See", attachment_ids=[attachment.id]
        )
    return TenantWithFiles(world=world, attachment_name=attachment.file.name, attachment_bytes=content)


def populate_two_tenants(settings: Any, media: Path) -> dict[str, TenantWithFiles]:
    """acme (3 tickets) and globex (2), each with messages and one attachment, committed."""
    settings.MEDIA_ROOT = media
    return {"acme": _populate(make_world("acme"), 3), "globex": _populate(make_world("globex"), 2)}


def rewrite_archive(source: Path, dest: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Copy a tar, passing each member's bytes through `change(name, data)`."""
    with tarfile.open(source) as old, tarfile.open(dest, "w") as new:
        for member in old.getmembers():
            handle = old.extractfile(member)
            assert handle is not None
            data = change(member.name, handle.read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def counts_at(url: str) -> dict[int, dict[str, int]]:
    """Rows per tenant per tenant table in the database at `url`."""
    with connect_url(url) as conn, conn.transaction():
        per_tenant, _ = count_rows(conn)
    return per_tenant


def assert_isolated_for_the_app_role(url: str, tenant_id: int, tickets: int) -> None:
    """Every tenant table FORCEs RLS, and the app role reads only the tenant it sets."""
    with connect_url(url) as conn:
        loose = conn.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND NOT (relrowsecurity AND relforcerowsecurity)",
            [tenant_tables()],
        ).fetchall()
    assert loose == []
    app = settings.DATABASES["default"]
    with connect_url(server_url(url.rsplit("/", 1)[1], user=app["USER"], password=app["PASSWORD"])) as conn:
        assert conn.execute("SELECT count(*) FROM tickets_ticket").fetchone() == (0,)
        with conn.transaction():
            conn.execute("SELECT set_config(%s, %s, true)", [TENANT_SETTING, str(tenant_id)])
            assert conn.execute("SELECT count(*) FROM tickets_ticket").fetchone() == (tickets,)
