# mypy: disable-error-code="index,misc"
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
import psycopg.types.json

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_load import Client, django_env, free_port, manage, run_scenario

DB = "frontline_bench_reports"
AGENTS, TEAMS = 50, 10
TAGS = ("vip", "refund", "bug", "outage")
PLANS = ("free", "pro", "enterprise")
FILTERS = ("team", "assignee", "channel", "category", "priority", "tag", "field")
BUCKET_SQL = "CASE WHEN {s} IS NULL THEN NULL WHEN {s} < 1 THEN 0 ELSE least(104, 1 + floor(ln({s}) / ln(2) * 4))::int END"
# A histogram from the bucket numbers of one group, trailing zeros left out (reports_hist_add
# pads the shorter array, so trimmed and full histograms merge alike).
HIST_FROM = """
CREATE OR REPLACE FUNCTION bench_hist_from(arr integer[]) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE h integer[]; b integer; top integer;
BEGIN
    SELECT max(x) INTO top FROM unnest(arr) x;
    IF top IS NULL THEN RETURN NULL; END IF;
    h := array_fill(0, ARRAY[top + 1]);
    FOREACH b IN ARRAY arr LOOP h[b + 1] := h[b + 1] + 1; END LOOP;
    RETURN h;
END $$;
"""
COUNTERS = (
    "created", "solved", "reopened", "frt_count", "frt_sum", "res_count", "res_sum", "replies_sum",
    "frt_bh_sum", "res_bh_sum", "sla_frt_met", "sla_frt_breached", "sla_nrt_met", "sla_nrt_breached",
    "sla_res_met", "sla_res_breached", "csat_sent", "csat_rated", "csat_good", "csat_sum",
    "ai_applied", "ai_changed",
)  # fmt: skip
HISTS = ("frt", "res", "frt_bh", "res_bh")


def urls(owner_url: str) -> tuple[str, str]:
    parts = urlsplit(owner_url)
    return (
        urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")),
        urlunsplit((parts.scheme, parts.netloc, f"/{DB}", parts.query, "")),
    )


def _people(cur: psycopg.Cursor) -> tuple[int, int, list[int], list[int]]:
    cur.execute(
        "INSERT INTO tenancy_tenant (slug, name, status, settings, created_at) "
        "VALUES ('r1', 'Reports', 'active', '{\"reports_agents\": true}', now()) RETURNING id"
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
    return tenant, customer, agents, cur.fetchone()[0]


def _tickets(
    cur: psycopg.Cursor, tenant: int, customer: int, agents: list[int], teams: list[int], n: int
) -> None:
    """Three years of tickets, evenly spread; 5% still open; response and resolution times
    skewed (most fast, a long tail). Written with triggers off (no search vectors: the
    reports never read them) and without the ticket indexes, which are built afterwards."""
    cur.execute("SET session_replication_role = replica")
    cur.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = 'tickets_ticket'::regclass AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)"
    )
    indexes = cur.fetchall()  # plain indexes (constraints' indexes stay: foreign keys need them)
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    cur.execute("SELECT setseed(0.42)")
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
            (%(teams)s::bigint[])[1 + (g %% %(n_agents)s) %% %(n_teams)s],
            CASE WHEN g %% 2 = 0 THEN ARRAY[(%(tags)s::text[])[1 + (g / 2) %% 4]] ELSE '{}' END,
            CASE WHEN g %% 10 < 7 THEN jsonb_build_object('plan', (%(plans)s::text[])[1 + (g / 10) %% 3])
                 ELSE '{}'::jsonb END,
            c.created, c.created,
            c.created + make_interval(secs => 60 + 172800 * random() ^ 4),
            CASE WHEN s.status IN ('solved', 'closed') THEN c.created + make_interval(secs => 600 + 1209600 * random() ^ 3) END,
            '', '', '', '', ''
        FROM generate_series(1, %(n)s) g
        CROSS JOIN LATERAL (SELECT now() - interval '1095 days' + (interval '1095 days') * g / %(n)s AS created) c
        CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.05 THEN 'open' WHEN random() < 0.5 THEN 'closed'
            ELSE 'solved' END AS status) s
        """,
        {"tenant": tenant, "customer": customer, "agents": agents, "teams": teams, "n": n, "tags": list(TAGS),
         "plans": list(PLANS), "n_agents": len(agents), "n_teams": len(teams)},
    )  # fmt: skip
    for _, definition in indexes:
        cur.execute(definition)
    cur.execute("SET session_replication_role = DEFAULT")
    cur.execute("INSERT INTO tickets_ticketcounter (tenant_id, last_number) VALUES (%s, %s)", [tenant, n])
    cur.execute(
        "INSERT INTO tickets_customfielddefinition (tenant_id, key, label, field_type, required, options, "
        "agent_only, position, active, created_at) VALUES (%s, 'plan', 'Plan', 'dropdown', false, %s, false, 0, "
        "true, now())",
        [tenant, psycopg.types.json.Jsonb(list(PLANS))],
    )


def _events(cur: psycopg.Cursor, tenant: int) -> None:
    """One row per ticket and metric day (created, first response, resolution), with the
    ticket's slice values: the input of every slice's GROUP BY. SLA, CSAT and AI numbers are
    synthetic (derived from the durations and the ticket number); business time is taken
    as 40/168 of calendar time."""
    frt = "extract(epoch FROM t.first_response_at - t.created_at)::bigint"
    res = "extract(epoch FROM t.solved_at - t.created_at)::bigint"
    cur.execute(
        f"""
        CREATE UNLOGGED TABLE bench_ev AS
        SELECT e.day, date_trunc('week', e.day)::date AS wk, date_trunc('month', e.day)::date AS mo,
            coalesce(t.team_id::text, 'none') AS team, coalesce(t.assignee_id::text, 'none') AS assignee,
            t.channel, coalesce(nullif(t.category, ''), 'none') AS category, t.priority,
            coalesce(t.tags[1], 'none') AS tag,
            coalesce('plan=' || (t.custom_fields ->> 'plan'), 'none') AS field,
            e.created, e.solved, e.frt_count, e.frt_sum, e.res_count, e.res_sum, e.frt_sum * 40 / 168 AS frt_bh_sum,
            e.res_sum * 40 / 168 AS res_bh_sum, e.replies_sum,
            e.in_target * e.frt_count AS sla_f_met, (1 - e.in_target) * e.frt_count AS sla_f_breached,
            e.in_target * e.res_count AS sla_r_met, (1 - e.in_target) * e.res_count AS sla_r_breached,
            e.csat_sent, e.csat_rated, e.csat_good, e.csat_sum, e.ai_applied, e.ai_changed,
            {BUCKET_SQL.format(s="e.fs")} AS frt_b, {BUCKET_SQL.format(s="e.rs")} AS res_b,
            {BUCKET_SQL.format(s="(e.fs * 40 / 168)")} AS frt_bh_b, {BUCKET_SQL.format(s="(e.rs * 40 / 168)")} AS res_bh_b
        FROM tickets_ticket t
        CROSS JOIN LATERAL (VALUES
            ((t.created_at AT TIME ZONE 'UTC')::date, 1, 0, 0, 0::bigint, NULL::bigint, 0, 0::bigint, NULL::bigint, 0,
             0, 0, 0, 0, 0, (t.number %% 3 = 0)::int, (t.number %% 9 = 0)::int),
            ((t.first_response_at AT TIME ZONE 'UTC')::date, 0, 0, 1, {frt}, {frt}, 0, 0, NULL, 0,
             ({frt} < 14400)::int, 0, 0, 0, 0, 0, 0),
            (CASE WHEN t.status IN ('solved', 'closed') THEN (t.solved_at AT TIME ZONE 'UTC')::date END,
             0, 1, 0, 0, NULL, 1, {res}, {res}, 1 + (t.number %% 5),
             ({res} < 259200)::int, 1, (t.number %% 4 = 0)::int, (t.number %% 4 = 0 AND t.number %% 3 > 0)::int,
             CASE WHEN t.number %% 4 = 0 THEN 3 + (t.number %% 3) ELSE 0 END, 0, 0)
        ) e(day, created, solved, frt_count, frt_sum, fs, res_count, res_sum, rs, replies_sum,
            in_target, csat_sent, csat_rated, csat_good, csat_sum, ai_applied, ai_changed)
        WHERE t.tenant_id = %(tenant)s AND e.day IS NOT NULL
        """,
        {"tenant": tenant},
    )  # fmt: skip


# The pairs the scenarios read; `--all-pairs` builds all 21 (the app always keeps all of them;
# a request reads only its own slice's rows through the index, so the others do not slow it).
SCENARIO_PAIRS = ("team+tag", "assignee+field", "assignee+tag")


def _slice_sets(all_pairs: bool) -> list[tuple[str, str]]:
    """(dimension name, value expression) of `all`, each single dimension and the pairs."""
    out = [("all", "''")] + [(d, d) for d in FILTERS]
    for i, a in enumerate(FILTERS):
        for b in FILTERS[i + 1 :]:
            if all_pairs or f"{a}+{b}" in SCENARIO_PAIRS:
                out.append((f"{a}+{b}", f"{a} || chr(31) || {b}"))
    return out


def _rollups(cur: psycopg.Cursor, tenant: int, all_pairs: bool) -> None:
    cur.execute(HIST_FROM)
    sums = {
        "created": "created", "solved": "solved", "reopened": "0", "frt_count": "frt_count", "frt_sum": "frt_sum",
        "res_count": "res_count", "res_sum": "res_sum", "replies_sum": "replies_sum", "frt_bh_sum": "frt_bh_sum",
        "res_bh_sum": "res_bh_sum", "sla_frt_met": "sla_f_met", "sla_frt_breached": "sla_f_breached",
        "sla_nrt_met": "0", "sla_nrt_breached": "0", "sla_res_met": "sla_r_met", "sla_res_breached": "sla_r_breached",
        "csat_sent": "csat_sent", "csat_rated": "csat_rated", "csat_good": "csat_good", "csat_sum": "csat_sum",
        "ai_applied": "ai_applied", "ai_changed": "ai_changed",
    }  # fmt: skip
    columns = ", ".join([*COUNTERS, *(f"{h}_hist" for h in HISTS)])
    values = ", ".join(
        [*(f"sum({sums[c]})" for c in COUNTERS)]
        + [f"bench_hist_from(array_agg({h}_b) FILTER (WHERE {h}_b IS NOT NULL))" for h in HISTS]
    )
    for dimension, expression in _slice_sets(all_pairs):
        t = time.perf_counter()
        cur.execute(
            f"INSERT INTO reports_dailyrollup (tenant_id, day, grain, dimension, value, {columns}) "
            "SELECT %s, coalesce(day, wk, mo), CASE WHEN GROUPING(day) = 0 THEN 'd' "
            "WHEN GROUPING(wk) = 0 THEN 'w' ELSE 'm' END, %s, v, "
            f"{values} FROM (SELECT *, {expression} AS v FROM bench_ev) e "
            "GROUP BY GROUPING SETS ((day, v), (wk, v), (mo, v))",
            [tenant, dimension],
        )
        print(f"  {dimension:20} {cur.rowcount:9} rows {time.perf_counter() - t:5.1f} s", flush=True)


def seed(url: str, tickets: int, all_pairs: bool) -> None:
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket")
        if cur.fetchone()[0] >= tickets:
            print(f"seed: {tickets} tickets already there")
            return
        t0 = time.perf_counter()
        tenant, customer, agents, teams = _people(cur)
        _tickets(cur, tenant, customer, agents, teams, tickets)
        conn.commit()
        seeded = time.perf_counter() - t0
        print(f"seed: {tickets} tickets in {seeded:.0f} s", flush=True)
        t1 = time.perf_counter()
        _events(cur, tenant)
        _rollups(cur, tenant, all_pairs)
        cur.execute("DROP TABLE bench_ev")
        cur.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('reports_dailyrollup')) FROM reports_dailyrollup"
        )
        rows, size = cur.fetchone()
        conn.commit()
        print(
            f"rollups: {rows} rows ({size}) in {time.perf_counter() - t1:.0f} s; total {time.perf_counter() - t0:.0f} s"
        )
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
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests before the first row")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--all-pairs", action="store_true", help="build all 21 pair slices (slower seed)")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end (frees disk)")
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
    try:
        results, total = measure(url, args)
    finally:
        if args.drop:  # also after a failure: the database takes gigabytes
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
    print_table(results, total, args)
    return 0


def measure(url: str, args: argparse.Namespace) -> tuple[list[dict], int]:
    env = django_env(url)
    manage(env, "migrate", "--database", "owner", "--no-input", "-v", "0")
    seed(url, args.tickets, args.all_pairs)
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
            ("1 year by day, tag", "/api/v1/reports/tickets?start={y1}&tag=vip"),
            ("1 year by day, custom field", "/api/v1/reports/tickets?start={y1}&field=plan%3Dpro"),
            (
                "1 year by week, team+tag",
                f"/api/v1/reports/tickets?group=week&start={{y1}}&team={team}&tag=refund",
            ),
            (
                "1 year by day, agent+field",
                f"/api/v1/reports/tickets?start={{y1}}&assignee={agent}&field=plan%3Dfree",
            ),
            ("90 days by agent (breakdown)", "/api/v1/reports/breakdown?by=assignee&start={d90}"),
            ("1 year by category (breakdown)", "/api/v1/reports/breakdown?by=category&start={y1}"),
            ("90 days by agent, tag=vip", "/api/v1/reports/breakdown?by=assignee&start={d90}&tag=vip"),
            ("report CSV, 1 year by day", "/api/v1/reports/tickets.csv?start={y1}"),
            (
                "drill-down: created, 30 days, one agent",
                f"/api/v1/reports/drilldown?metric=created&assignee={agent}",
            ),
        ]
        import datetime as dt

        today = dt.datetime.now(dt.UTC).date()
        dates = {
            "y1": today - dt.timedelta(days=364),
            "y3": today - dt.timedelta(days=1094),
            "d90": today - dt.timedelta(days=89),
        }
        # Warm both gunicorn workers (imports, database connections, first query plans) with
        # unmeasured requests, so the first row is not charged for the process start-up.
        run_scenario(
            "warm-up", client, lambda _i: ("GET", scenarios[0][1].format(**dates), None), args.warmup, 2
        )
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
    return results, total


def print_table(results: list[dict], total: int, args: argparse.Namespace) -> None:
    print(
        f"\n{total:,} tickets in one tenant; {args.requests} requests per row, {args.concurrency} client threads, gunicorn 2 workers"
    )
    print(f"{'scenario':34} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6}")
    for r in results:
        print(f"{r['name']:34} {r['p50']:8.1f} {r['p99']:8.1f} {r['rps']:7.1f} {r['error_count']:6}")
        for e in r["errors"]:
            print("   ", e)


if __name__ == "__main__":
    sys.exit(main())
