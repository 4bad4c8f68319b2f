"""Through a real PgBouncer in transaction mode, two tenants share ONE server connection and
never see each other's rows: the tenant is set per transaction (SET LOCAL), never per session.

Each client is a Django alias (or a thread) with its own connection to a PgBouncer whose pool
holds a single server connection, so every transaction of every client runs on the same
PostgreSQL backend, one after the other.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connections, transaction

from config.database import apply_pooler_mode
from db.tenant_setting import TENANT_SETTING
from tenancy.context import tenant_context
from tenancy.models import Team, Tenant
from testing.factories import make_tenant
from testing.isolation import assert_interleaved_requests_stay_apart
from testing.pgbouncer import (
    Pgbouncer,
    admin_show,
    app_through_pgbouncer,
    keeps_prepared_statements,
    pgbouncer_for_app_role,
)

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.tenant_isolation]

TEAMS = {"bounce-a": ["a-one", "a-two"], "bounce-b": ["b-one", "b-three", "b-two"]}
ROUNDS = 8


@pytest.fixture
def tenants() -> dict[str, Tenant]:
    found = {}
    for slug, names in TEAMS.items():
        tenant = found[slug] = make_tenant(slug)
        with tenant_context(tenant.id):
            for name in names:
                Team.objects.create(tenant=tenant, name=name)
    connections.close_all()
    return found


@pytest.fixture
def bouncer() -> Iterator[Pgbouncer]:
    with pgbouncer_for_app_role(pool_size=1) as running:
        yield running


def _admin(bouncer: Pgbouncer, what: str) -> list[dict[str, Any]]:
    app = settings.DATABASES["default"]
    return bouncer.show(what, user=app["USER"], password=app.get("PASSWORD") or "")


@contextmanager
def clients(bouncer: Pgbouncer, names: list[str], *, mode: str | None = "transaction") -> Iterator[None]:
    """Django aliases `names`, each its own (unpooled) client connection to `bouncer`, set up
    for the pooler `mode` as FRONTLINE_DB_PGBOUNCER does (None: as if PostgreSQL were direct)."""
    for name in names:
        config = copy.deepcopy(settings.DATABASES["default"])
        config.update(HOST=bouncer.host, PORT=str(bouncer.port), DISABLE_SERVER_SIDE_CURSORS=False)
        config["OPTIONS"] = {"prepare_threshold": 0}  # the direct default: prepared statements on
        apply_pooler_mode(config, mode)
        connections.settings[name] = config
    try:
        yield
    finally:
        for name in names:
            connections[name].close()
            del connections[name]
            del connections.settings[name]


def _fresh_transaction(alias: str) -> tuple[str, int, int]:
    """(the tenant setting, the backend pid, visible teams) at the start of a transaction."""
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(current_setting(%s, true), ''), pg_backend_pid(), "
            "(SELECT count(*) FROM tenancy_team)",
            [TENANT_SETTING],
        )
        setting, pid, count = cursor.fetchone()
    return setting, pid, count


def _tenant_transaction(alias: str, tenant: Tenant) -> tuple[str, int, list[str]]:
    """(the tenant setting, the backend pid, visible team names) inside `tenant_context`."""
    with tenant_context(tenant.id, using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s), pg_backend_pid(), "
            "ARRAY(SELECT name FROM tenancy_team ORDER BY name)",
            [TENANT_SETTING],
        )
        setting, pid, names = cursor.fetchone()
    return setting, pid, names


def _rolled_back_savepoint(alias: str) -> None:
    with transaction.atomic(using=alias):
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        except DatabaseError:
            pass


def test_two_tenants_alternate_on_one_server_connection_and_nothing_leaks(bouncer, tenants):
    a, b = tenants["bounce-a"], tenants["bounce-b"]
    pids = set()
    with clients(bouncer, ["client_a", "client_b", "client_none"]):
        for _ in range(ROUNDS):
            for alias, tenant in (("client_a", a), ("client_b", b), ("client_none", None)):
                # Whoever ran on the server connection last, this transaction starts clean.
                setting, pid, count = _fresh_transaction(alias)
                assert (setting, count) == ("", 0), f"{alias} inherited a tenant: {setting!r}, {count} rows"
                pids.add(pid)
                if tenant is None:
                    continue
                setting, pid, names = _tenant_transaction(alias, tenant)
                assert (setting, names) == (str(tenant.id), TEAMS[tenant.slug])
                pids.add(pid)
    assert len(pids) == 1, f"expected one server connection for every client, got backends {pids}"
    assert len(_admin(bouncer, "SERVERS")) == 1


def test_concurrent_clients_queue_for_one_server_connection_and_stay_apart(bouncer, tenants):
    failures: list[str] = []
    pids: set[int] = set()

    def run(tenant: Tenant | None) -> None:
        try:
            for _ in range(ROUNDS * 2):
                setting, pid, count = _fresh_transaction("pooled")
                pids.add(pid)
                if (setting, count) != ("", 0):
                    failures.append(f"fresh transaction saw {setting!r} and {count} teams")
                if tenant is not None:
                    setting, pid, names = _tenant_transaction("pooled", tenant)
                    pids.add(pid)
                    if names != TEAMS[tenant.slug]:
                        failures.append(f"{tenant.slug} saw {names}")
        except Exception as exc:  # reported below, with the other threads' findings
            failures.append(repr(exc))
        finally:
            connections["pooled"].close()

    with clients(bouncer, ["pooled"]):  # one alias, but each thread has its own connection
        threads = [threading.Thread(target=run, args=(t,)) for t in (*tenants.values(), None)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures[:5]
    assert len(pids) == 1, pids
    stats = {row["database"]: row for row in _admin(bouncer, "STATS")}
    # Three clients, each a fresh and (two of them) a tenant transaction per round.
    assert stats[settings.DATABASES["default"]["NAME"]]["total_xact_count"] >= ROUNDS * 2 * 5


def test_a_session_level_setting_would_leak_to_the_next_client(bouncer, tenants):
    """Why the tenant is only ever set with SET LOCAL: a plain SET (here set_config(..., false))
    stays on the server connection, and the pooler hands it to the next client."""
    a = tenants["bounce-a"]
    with clients(bouncer, ["careless", "innocent"]):
        connections["careless"].ensure_connection()
        with connections["careless"].cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [TENANT_SETTING, str(a.id)])
        setting, _, count = _fresh_transaction("innocent")
    assert (setting, count) == (str(a.id), len(TEAMS["bounce-a"]))


def test_the_session_time_zone_is_kept_per_client(bouncer):
    """Django sets the session's time zone once per connection (a plain SET): PgBouncer tracks
    TimeZone for each client and sets it again on whichever server connection it hands out."""
    with clients(bouncer, ["elsewhere", "here"]):
        connections["elsewhere"].ensure_connection()
        with connections["elsewhere"].cursor() as cursor:
            cursor.execute("SET TIME ZONE 'America/New_York'")
        for alias, zone in (("here", "UTC"), ("elsewhere", "America/New_York"), ("here", "UTC")):
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT current_setting('TimeZone'), pg_backend_pid()")
                assert cursor.fetchone()[0] == zone, alias


def test_prepared_statements_through_pgbouncer_need_1_22(bouncer, tenants):
    """Two clients preparing the same statement on the one server connection: PgBouncer before
    1.21 passes psycopg's statement names through, and the second client's name collides with
    the first's. That is why FRONTLINE_DB_PGBOUNCER=1 turns them off (and "prepared", for 1.22+
    with max_prepared_statements, keeps them; see config.database)."""
    a, b = tenants["bounce-a"], tenants["bounce-b"]
    if keeps_prepared_statements():
        with (
            pgbouncer_for_app_role(pool_size=1, prepared=True) as keeping,
            clients(keeping, ["first", "second"], mode="prepared"),
        ):
            for _ in range(3):
                assert _tenant_transaction("first", a)[2] == TEAMS["bounce-a"]
                assert _tenant_transaction("second", b)[2] == TEAMS["bounce-b"]
                _rolled_back_savepoint("first")  # psycopg then sends DEALLOCATE ALL
        return
    with clients(bouncer, ["first", "second"], mode=None):
        assert _tenant_transaction("first", a)[2] == TEAMS["bounce-a"]
        # Raised by psycopg's pipeline itself, or through Django's cursor wrapper.
        with pytest.raises(
            (psycopg.Error, DatabaseError), match='prepared statement "_pg3_0" already exists'
        ):
            _tenant_transaction("second", b)
    with clients(bouncer, ["first", "second"], mode="transaction"):
        for _ in range(3):
            assert _tenant_transaction("first", a)[2] == TEAMS["bounce-a"]
            assert _tenant_transaction("second", b)[2] == TEAMS["bounce-b"]


def test_api_requests_for_two_tenants_through_one_server_connection():
    with app_through_pgbouncer(pool_size=1) as one:
        assert_interleaved_requests_stay_apart(slugs=("bounce-api-a", "bounce-api-b"), requests=40, threads=4)
        assert len(_admin(one, "SERVERS")) == 1
        stats = {row["database"]: row for row in _admin(one, "STATS")}
        assert stats[settings.DATABASES["default"]["NAME"]]["total_xact_count"] >= 40


def test_the_app_alias_goes_through_pgbouncer_exactly_when_the_suite_asks():
    """`scripts/test_pgbouncer.sh` (FRONTLINE_TEST_PGBOUNCER=1) really runs the suite through
    PgBouncer, set up as FRONTLINE_DB_PGBOUNCER would; otherwise the app talks to PostgreSQL."""
    app = settings.DATABASES["default"]
    if os.environ.get("FRONTLINE_TEST_PGBOUNCER") != "1":
        assert app["OPTIONS"]["prepare_threshold"] == 0
        assert not app["DISABLE_SERVER_SIDE_CURSORS"]
        return
    config = {
        row["key"]: row["value"]
        for row in admin_show(
            app["HOST"], int(app["PORT"]), "CONFIG", user=app["USER"], password=app.get("PASSWORD") or ""
        )
    }
    assert config["pool_mode"] == "transaction"
    assert app["DISABLE_SERVER_SIDE_CURSORS"]
    assert app["OPTIONS"]["prepare_threshold"] == (0 if keeps_prepared_statements() else None)
