# mypy: disable-error-code="index"
# (aggregate queries here always return one row; fetchone() is never None)
# ruff: noqa: E501, S608
"""Benchmark of the reports API at a million tickets: seed with INSERT ... SELECT, time dashboards.

    .venv/bin/python bench/reports.py --tickets 1000000     # one tenant, 1M tickets over 3 years
    .venv/bin/python bench/reports.py --tickets 100000 --fresh

Needs DATABASE_URL (owner role; a database `frontline_bench_reports` is created beside it).
Tickets are generated in SQL (generate_series) and the rollups are built from them in SQL,
with the same definitions as reports.contributions (no status history here, so no reopens).
Then gunicorn serves the API and a few client threads (bounded CPU) ask for dashboards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import Client, django_env, free_port, manage, run_scenario

DB = "frontline_bench_reports"
AGENTS, TEAMS = 50, 10
BUCKET_SQL = "CASE WHEN {s} < 1 THEN 0 ELSE least(104, 1 + floor(ln({s}) / ln(2) * 4))::int END"
HIST_AGG = """
CREATE OR REPLACE FUNCTION bench_hist_step(s integer[], b integer) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF b IS NULL THEN RETURN s; END IF;
    IF s IS NULL THEN s := array_fill(0, ARRAY[105]); END IF;
    s[b + 1] := s[b + 1] + 1;
    RETURN s;
END $$;
CREATE OR REPLACE AGGREGATE bench_hist(integer) (SFUNC = bench_hist_step, STYPE = integer[]);
"""


def urls(owner_url: str) -> tuple[str, str]:
    parts = urlsplit(owner_url)
    return (
        urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, f"/{DB}", parts.query, "")),
    )


def seed(url: str, tickets: int) -> None:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket")
        if cur.fetchone()[0] >= tickets:
            print(f"seed: {tickets} tickets already there")
            return
        t0 = time.perf_counter()
        cur.execute(
            "INSERT INTO tenancy_tenant (slug, name, status, settings, created_at) "
            "VALUES ('r1', 'Reports', 'active', '{}', now()) RETURNING id"
        )
        tenant = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, full_name, is_active, is_staff, date_joined) "
            "SELECT '!', false, 'u' || g || '@r1.bench', 'User ' || g, true, false, now() "
            "FROM generate_series(0, %s) g",
            [AGENTS + 1],
        )
        cur.execute(
            "INSERT INTO tenancy_membership (tenant_id, user_id, role, created_at) "
            "SELECT %s, id, CASE WHEN email = 'u0@r1.bench' THEN 'admin' "
            "WHEN email = 'u1@r1.bench' THEN 'customer' ELSE 'agent' END, now() "
            "FROM accounts_user WHERE email LIKE '%%@r1.bench' ORDER BY id",
            [tenant],
        )
        cur.execute(
            "INSERT INTO tenancy_team (tenant_id, name, description, created_at) "
            "SELECT %s, 'Team ' || g, '', now() FROM generate_series(1, %s) g",
            [tenant, TEAMS],
        )
        cur.execute(
            "SELECT array_agg(id ORDER BY id) FROM tenancy_membership WHERE tenant_id = %s AND role = 'agent'",
            [tenant],
        )
        agents = cur.fetchone()[0]
        cur.execute("SELECT id FROM tenancy_membership WHERE tenant_id = %s AND role = 'customer'", [tenant])
        customer = cur.fetchone()[0]
        cur.execute("SELECT array_agg(id ORDER BY id) FROM tenancy_team WHERE tenant_id = %s", [tenant])
        teams = cur.fetchone()[0]
        cur.execute("SELECT setseed(0.42)")
        # Three years of tickets, evenly spread; 5% still open; response and resolution times
        # skewed (most fast, a long tail), like real queues.
        cur.execute(
            """
            INSERT INTO tickets_ticket (tenant_id, number, subject, status, priority, type, category, channel,
                requester_id, assignee_id, team_id, tags, custom_fields, created_at, updated_at,
                first_response_at, solved_at, ai_category, ai_priority, ai_sentiment, ai_language, ai_model_version)
            SELECT %(tenant)s, g, 'Ticket ' || g, s.status,
                (ARRAY['low','normal','normal','high','urgent'])[1 + (g * 7) %% 5], 'question',
                (ARRAY['billing','login','bug','feature','account','shipping','refund','other'])[1 + (g * 13) %% 8],
                (ARRAY['email','portal','api','agent'])[1 + (g * 3) %% 4],
                %(customer)s, (%(agents)s::bigint[])[1 + g %% %(n_agents)s],
                (%(teams)s::bigint[])[1 + (g %% %(n_agents)s) %% %(n_teams)s], '{}', '{}', c.created, c.created,
                c.created + make_interval(secs => 60 + 172800 * random() ^ 4),
                CASE WHEN s.status IN ('solved', 'closed') THEN c.created + make_interval(secs => 600 + 1209600 * random() ^ 3) END,
                '', '', '', '', ''
            FROM generate_series(1, %(n)s) g
            CROSS JOIN LATERAL (SELECT now() - interval '1095 days' + (interval '1095 days') * g / %(n)s AS created) c
            CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.05 THEN 'open' WHEN random() < 0.5 THEN 'closed'
                ELSE 'solved' END AS status) s
            """,
            {"tenant": tenant, "customer": customer, "agents": agents, "teams": teams, "n": tickets,
             "n_agents": len(agents), "n_teams": len(teams)},
        )  # fmt: skip
        cur.execute(
            "INSERT INTO tickets_ticketcounter (tenant_id, last_number) VALUES (%s, %s)", [tenant, tickets]
        )
        conn.commit()
        print(f"seed: {tickets} tickets in {time.perf_counter() - t0:.0f} s")
        t1 = time.perf_counter()
        cur.execute(HIST_AGG)
        frt = "extract(epoch FROM t.first_response_at - t.created_at)::bigint"
        res = "extract(epoch FROM t.solved_at - t.created_at)::bigint"
        cur.execute(
            f"""
            INSERT INTO reports_dailyrollup (tenant_id, day, dimension, value, created, solved, reopened,
                frt_count, frt_sum, frt_hist, res_count, res_sum, res_hist, replies_sum)
            SELECT %(tenant)s, e.day, sl.dim, sl.val, sum(e.c), sum(e.s), 0, sum(e.fc), sum(e.fs),
                bench_hist(e.fb), sum(e.rc), sum(e.rs), bench_hist(e.rb), 0
            FROM tickets_ticket t
            CROSS JOIN LATERAL (VALUES
                ((t.created_at AT TIME ZONE 'UTC')::date, 1, 0, 0, 0::bigint, NULL::int, 0, 0::bigint, NULL::int),
                ((t.first_response_at AT TIME ZONE 'UTC')::date, 0, 0, 1, {frt}, {BUCKET_SQL.format(s=frt)}, 0, 0, NULL),
                (CASE WHEN t.status IN ('solved', 'closed') THEN (t.solved_at AT TIME ZONE 'UTC')::date END,
                 0, 1, 0, 0, NULL, 1, {res}, {BUCKET_SQL.format(s=res)})
            ) e(day, c, s, fc, fs, fb, rc, rs, rb)
            CROSS JOIN LATERAL (VALUES ('all', ''), ('team', coalesce(t.team_id::text, 'none')),
                ('assignee', coalesce(t.assignee_id::text, 'none')), ('channel', t.channel),
                ('category', coalesce(nullif(t.category, ''), 'none')), ('priority', t.priority)) sl(dim, val)
            WHERE t.tenant_id = %(tenant)s AND e.day IS NOT NULL
            GROUP BY e.day, sl.dim, sl.val
            """,
            {"tenant": tenant},
        )  # fmt: skip
        cur.execute("SELECT count(*) FROM reports_dailyrollup")
        rows = cur.fetchone()[0]
        conn.commit()
        print(f"rollups: {rows} rows in {time.perf_counter() - t1:.0f} s")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE reports_dailyrollup")
        conn.execute("VACUUM ANALYZE tickets_ticket")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (keep CPU bounded)")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url:
        print("Set DATABASE_URL (owner role)", file=sys.stderr)
        return 2
    admin_url, url = urls(owner_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and args.fresh:
            conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB}")
    env = django_env(url)
    manage(env, "migrate", "--database", "owner", "--no-input", "-v", "0")
    seed(url, args.tickets)
    token = manage(env, "create_api_token", "--tenant", "r1", "--email", "u0@r1.bench", "--name", "bench")
    with psycopg.connect(url) as conn:
        agent = conn.execute("SELECT min(assignee_id) FROM tickets_ticket").fetchone()[0]
        team = conn.execute("SELECT min(team_id) FROM tickets_ticket").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM tickets_ticket").fetchone()[0]
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning"],
        cwd=str(Path(__file__).resolve().parent.parent / "core"), env=env,
    )  # fmt: skip
    try:
        client = Client(port, "r1.localhost", token)
        for _ in range(100):
            try:
                if client.request("GET", "/api/v1/reports/tickets")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        scenarios = [
            ("30 days by day", "/api/v1/reports/tickets"),
            ("1 year by week", "/api/v1/reports/tickets?group=week&start={y1}"),
            ("3 years by month", "/api/v1/reports/tickets?group=month&start={y3}"),
            ("1 year by day, one agent", f"/api/v1/reports/tickets?start={{y1}}&assignee={agent}"),
            ("90 days by week, one team", f"/api/v1/reports/tickets?group=week&start={{d90}}&team={team}"),
            ("90 days by agent (breakdown)", "/api/v1/reports/breakdown?by=assignee&start={d90}"),
            ("1 year by category (breakdown)", "/api/v1/reports/breakdown?by=category&start={y1}"),
            ("report CSV, 1 year by day", "/api/v1/reports/tickets.csv?start={y1}"),
        ]
        import datetime as dt

        today = dt.datetime.now(dt.UTC).date()
        dates = {
            "y1": today - dt.timedelta(days=364),
            "y3": today - dt.timedelta(days=1094),
            "d90": today - dt.timedelta(days=89),
        }
        results = []
        for name, path in scenarios:
            full = path.format(**dates)
            results.append(
                run_scenario(
                    name, client, lambda _i, p=full: ("GET", p, None), args.requests, args.concurrency
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n{total:,} tickets in one tenant; {args.requests} requests per row, {args.concurrency} client threads, gunicorn 2 workers"
    )
    print(f"{'scenario':34} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6}")
    for r in results:
        print(f"{r['name']:34} {r['p50']:8.1f} {r['p99']:8.1f} {r['rps']:7.1f} {r['error_count']:6}")
        for e in r["errors"]:
            print("   ", e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
