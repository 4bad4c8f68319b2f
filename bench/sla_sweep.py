"""Benchmark: the SLA sweep over many open tickets (it must read due clocks only, not scan).

Run with the environment of `make test` (a scratch database is created and dropped):
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/sla_sweep.py [--tickets 1000000] [--due 100]
Fills `--tickets` open tickets with a running resolution clock each (spread over 100
tenants, due times over the next 30 days) plus `--due` clocks already past due, then
times an idle sweep (nothing due) and a sweep that fires `--due` breaches (each run
re-arms the same rows), and prints the plans of the sweep's queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "core"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FRONTLINE_ENV", "test")
os.environ.setdefault("FRONTLINE_TEST_DB", "frontline_bench_sla")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from sla.selectors import due_tenant_ids  # noqa: E402
from sla.services.sweep import sla_fire_due  # noqa: E402
from testing.database import test_database  # noqa: E402
from testing.factories import make_member, make_tenant  # noqa: E402

TENANTS = 100
FILLERS = {
    "character varying": "''",
    "text": "''",
    "jsonb": "'{}'::jsonb",
    "boolean": "false",
    "ARRAY": "'{}'",
}


def _ticket_insert_sql(cursor) -> str:
    """An INSERT ... SELECT over generate_series filling every NOT NULL column of tickets."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'tickets_ticket' "
        "AND is_nullable = 'NO' AND column_default IS NULL ORDER BY ordinal_position"
    )
    given = {
        "tenant_id": "t.id",
        "number": "g",
        "subject": "'bench ticket ' || g",
        "status": "'open'",
        "priority": "'normal'",
        "type": "'question'",
        "channel": "'portal'",
        "requester_id": "t.member_id",
        "created_at": "now() - interval '1 hour'",
        "updated_at": "now() - interval '1 hour'",
    }
    columns, values = [], []
    for name, kind in cursor.fetchall():
        if name == "id":
            continue
        columns.append(name)
        values.append(given.get(name) or FILLERS.get(kind, "0"))
    # Column names come from the catalog, values from the constants above: no user input.
    return (
        f"INSERT INTO tickets_ticket ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
        "FROM generate_series(1, %s) g JOIN bench_tenants t ON t.n = g %% %s"
    )


def fill(tickets: int, due: int) -> None:
    tenants = [make_tenant(f"bench{n}") for n in range(TENANTS)]
    members = [make_member(t, "customer") for t in tenants]
    with connections["owner"].cursor() as cursor:
        cursor.execute("SET app.cross_tenant = 'on'")
        cursor.execute("CREATE TEMP TABLE bench_tenants (n int, id bigint, member_id bigint)")
        for n, (tenant, member) in enumerate(zip(tenants, members, strict=True)):
            cursor.execute("INSERT INTO bench_tenants VALUES (%s, %s, %s)", [n, tenant.id, member.id])
        cursor.execute(_ticket_insert_sql(cursor), [tickets, TENANTS])
        cursor.execute(
            "INSERT INTO sla_slaclock (tenant_id, ticket_id, metric, target_minutes, warning_fraction, "
            "started_at, running_since, elapsed_minutes, due_at, warn_at) "
            "SELECT tenant_id, id, 'resolution', 43200, 0.75, created_at, created_at, 0, "
            "now() + (id % 43200) * interval '1 minute' + interval '1 hour', "
            "now() + (id % 43200) * interval '1 minute' + interval '1 hour' "
            "FROM tickets_ticket"
        )
        cursor.execute(
            "UPDATE sla_slaclock SET due_at = now() - interval '5 minutes', "
            "warn_at = now() - interval '1 hour', warning_sent_at = now() - interval '1 hour' "
            "WHERE id IN (SELECT id FROM sla_slaclock ORDER BY random() LIMIT %s)",
            [due],
        )
        cursor.execute("ANALYZE tickets_ticket; ANALYZE sla_slaclock")


def rearm() -> None:
    with connections["owner"].cursor() as cursor:
        cursor.execute("SET app.cross_tenant = 'on'")
        cursor.execute(
            "UPDATE sla_slaclock SET breached_at = NULL WHERE due_at < now() AND breached_at IS NOT NULL; "
            "DELETE FROM events_outboxevent"
        )


def timed(fn, runs: int, before=None) -> list[float]:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def plan(sql: str, params: list) -> str:
    with connections["owner"].cursor() as cursor:
        cursor.execute("SET app.cross_tenant = 'on'")
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        return "\n".join("    " + row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with test_database():
        start = time.perf_counter()
        fill(args.tickets, args.due)
        print(
            f"filled {args.tickets} open tickets with running clocks in {time.perf_counter() - start:.0f} s"
        )
        now = timezone.now()
        fired = sla_fire_due(now=now)
        assert fired == (0, args.due), fired
        idle = timed(lambda: sla_fire_due(now=now), args.runs * 2)
        lookup = timed(lambda: due_tenant_ids(now=now), args.runs * 2)
        busy = timed(lambda: sla_fire_due(now=timezone.now()), args.runs, before=rearm)
        connection.close()
        print(f"\n| {args.tickets} running clocks, {TENANTS} tenants | median ms | p99 ms |")
        print("|---|---|---|")
        print(f"| due_tenant_ids (nothing due) | {statistics.median(lookup):.2f} | {p99(lookup):.2f} |")
        print(f"| full sweep, nothing due | {statistics.median(idle):.2f} | {p99(idle):.2f} |")
        print(f"| full sweep firing {args.due} breaches | {statistics.median(busy):.1f} | {p99(busy):.1f} |")
        print("\nplan of the platform lookup:")
        print(plan("SELECT tenant_id FROM sla_due_tenants(%s, 1000)", [now]))
        print("plan of one tenant's breach query:")
        print(
            plan(
                "SELECT id FROM sla_slaclock WHERE tenant_id = (SELECT min(tenant_id) FROM sla_slaclock) "
                "AND running_since IS NOT NULL AND breached_at IS NULL AND due_at <= %s "
                "ORDER BY due_at LIMIT 500",
                [now],
            )
        )


if __name__ == "__main__":
    main()
