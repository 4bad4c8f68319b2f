"""Benchmark of the tickets API against the production server (gunicorn), printing p50/p99 and req/s.

    .venv/bin/python bench/api_load.py --small                 # 20 tenants, 10k tickets: a quick run
    .venv/bin/python bench/api_load.py --tickets 100000        # bigger
    .venv/bin/python bench/api_load.py                    # 1,000 tenants, 1,000,000 tickets (slow to seed)

Needs DATABASE_URL (the owner role; a database `frontline_bench`, or `--database`, is created beside it)
and REDIS_URL, e.g. under `scripts/devstack.py exec --`. Seeds with COPY (tenant sizes
skewed like real tenants: a few large, many small; 3 messages per ticket), starts
gunicorn on a free port, runs concurrent HTTP clients for each scenario, stops it.
Scenarios run as an agent of the largest tenant, the last two as a customer of it with three
tickets (`few@t1.bench`, made on the first run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg.sql

ROOT = Path(__file__).resolve().parent.parent
_WORD_TEXT = (
    "account access error login password reset invoice billing refund charge payment card export import "
    "report dashboard slow timeout crash update install upgrade mobile app email notification sync data "
    "integration api token webhook permission role user team admin settings configuration printer network "
    "server database backup restore delete archive search filter sort page screen button broken missing "
    "cannot please help urgent today again still problem issue question request feature bug customer order "
    "shipping delivery address subscription plan trial cancel renew upgrade downgrade license key"
)
WORDS = _WORD_TEXT.split()
RARE_WORD = "zanzibarquokka"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def tenant_sizes(tenants: int, tickets: int) -> list[int]:
    """Zipf-like: tenant i gets a share proportional to 1/(i+1)."""
    weights = [1 / (i + 1) for i in range(tenants)]
    total = sum(weights)
    sizes = [max(1, int(tickets * w / total)) for w in weights]
    sizes[0] += tickets - sum(sizes)
    return sizes


def _first(row: tuple[Any, ...] | None) -> Any:
    if row is None:
        raise RuntimeError("expected a row")
    return row[0]


def _copy(cur: psycopg.Cursor, table: str, columns: str, rows: list[tuple]) -> None:
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(conninfo: str, tenants: int, tickets: int) -> None:
    rng = random.Random(42)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=False) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM tickets_ticket")
        if _first(cur.fetchone()) >= tickets:
            print(f"seed: {tickets} tickets already there")
            return
        cur.execute(
            "INSERT INTO tenancy_tenant (slug, name, status, settings, created_at) "
            "SELECT 't' || g, 'Tenant ' || g, 'active', '{}', now() FROM generate_series(1, %s) g",
            [tenants],
        )
        cur.execute(
            "INSERT INTO accounts_user "
            "(password, is_superuser, email, full_name, is_active, is_staff, date_joined) "
            "SELECT '!', false, r || '@t' || g || '.bench', r || ' ' || g, true, false, now() "
            "FROM generate_series(1, %s) g, unnest(ARRAY['agent','customer','customer2']) r",
            [tenants],
        )
        cur.execute(
            "INSERT INTO tenancy_membership (tenant_id, user_id, role, created_at) "
            "SELECT t.id, u.id, CASE WHEN u.email LIKE 'agent@%%' THEN 'agent' ELSE 'customer' END, now() "
            "FROM tenancy_tenant t JOIN accounts_user u ON u.email LIKE '%%@' || t.slug || '.bench'"
        )
        cur.execute(
            "SELECT t.id, array_agg(m.id ORDER BY m.role, m.id) FROM tenancy_tenant t "
            "JOIN tenancy_membership m ON m.tenant_id = t.id GROUP BY t.id ORDER BY t.id"
        )
        members = cur.fetchall()  # [(tenant_id, [agent, customer, customer2])]
        sizes = tenant_sizes(tenants, tickets)
        ticket_rows: list[tuple] = []
        counters: list[tuple[int, int]] = []
        statuses = ["new", "open", "open", "pending", "solved", "closed"]
        priorities = ["low", "normal", "normal", "normal", "high", "urgent"]
        for (tenant_id, ids), size in zip(members, sizes, strict=True):
            agent, customers = ids[0], ids[1:]
            for number in range(1, size + 1):
                subject = sentence(rng, rng.randint(3, 8))[:-1]
                if rng.random() < 0.0005:
                    subject += f" {RARE_WORD}"
                ticket_rows.append(
                    (
                        tenant_id,
                        number,
                        subject,
                        rng.choice(statuses),
                        rng.choice(priorities),
                        "question",
                        "",
                        "portal",
                        rng.choice(customers),
                        agent if rng.random() < 0.6 else None,
                        [],
                        "{}",
                        now - dt.timedelta(minutes=rng.randint(0, 500_000)),
                        now - dt.timedelta(minutes=rng.randint(0, 50_000)),
                        "",
                        "",
                        "",
                        "",
                        "",
                    )
                )
            counters.append((tenant_id, size))
        # Building the GIN indexes once after the load is far cheaper than row by row.
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'tickets_ticket' AND indexdef LIKE '%gin%'"
        )
        gin_indexes = [row[0] for row in cur.fetchall()]
        cur.execute(
            "SELECT string_agg(quote_ident(indexname), ', ') FROM pg_indexes "
            "WHERE tablename = 'tickets_ticket' AND indexdef LIKE '%gin%'"
        )
        names = _first(cur.fetchone())
        if names:
            cur.execute(f"DROP INDEX {names}")
        _copy(
            cur,
            "tickets_ticket",
            "tenant_id, number, subject, status, priority, type, category, channel, requester_id, "
            "assignee_id, tags, custom_fields, created_at, updated_at, ai_category, ai_priority, "
            "ai_sentiment, ai_language, ai_model_version",
            ticket_rows,
        )
        _copy(cur, "tickets_ticketcounter", "tenant_id, last_number", counters)
        cur.execute("SELECT id, tenant_id, requester_id, assignee_id FROM tickets_ticket")
        message_rows = []
        for ticket_id, tenant_id, requester, assignee in cur.fetchall():
            for i in range(3):
                text = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(1, 4)))
                author = requester if i != 1 or assignee is None else assignee
                message_rows.append(
                    (
                        tenant_id,
                        ticket_id,
                        author,
                        i == 2 and assignee is not None,
                        "portal",
                        f"<p>{text}</p>",
                        text,
                        now,
                    )
                )
        _copy(
            cur,
            "tickets_message",
            "tenant_id, ticket_id, author_id, is_internal, channel, body_html, body_text, created_at",
            message_rows,
        )
        cur.execute(
            """UPDATE tickets_ticket t SET
                 search_vector = setweight(to_tsvector('english', t.subject), 'A')
                                 || setweight(to_tsvector('english', m.pub), 'B'),
                 internal_search_vector = to_tsvector('english', m.internal)
               FROM (SELECT ticket_id, string_agg(body_text, ' ') FILTER (WHERE NOT is_internal) AS pub,
                            coalesce(string_agg(body_text, ' ') FILTER (WHERE is_internal), '') AS internal
                     FROM tickets_message GROUP BY ticket_id) m
               WHERE m.ticket_id = t.id"""
        )
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred key checks run now, not at commit
        for definition in gin_indexes:
            cur.execute(definition)
        conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(
        f"seed: {tenants} tenants, {len(ticket_rows)} tickets, {len(message_rows)} messages "
        f"in {time.perf_counter() - started:.0f} s (largest tenant: {sizes[0]} tickets)"
    )


DEFAULT_DATABASE = os.environ.get("FRONTLINE_BENCH_DB", "frontline_bench")
# A customer with a handful of tickets in the largest tenant: what most customers look like
# (the seeded two customers per tenant each requested half of it).
LIGHT_CUSTOMER = "few@t1.bench"


def ensure_light_customer(conninfo: str) -> None:
    with psycopg.connect(conninfo) as conn:
        if conn.execute("SELECT 1 FROM accounts_user WHERE email = %s", [LIGHT_CUSTOMER]).fetchone():
            return
        conn.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, full_name, is_active, is_staff, "
            "date_joined) VALUES ('!', false, %s, 'Few Tickets', true, false, now())",
            [LIGHT_CUSTOMER],
        )
        member = _first(
            conn.execute(
                "INSERT INTO tenancy_membership (tenant_id, user_id, role, created_at) "
                "SELECT t.id, u.id, 'customer', now() FROM tenancy_tenant t, accounts_user u "
                "WHERE t.slug = 't1' AND u.email = %s RETURNING id",
                [LIGHT_CUSTOMER],
            ).fetchone()
        )
        # Three of the largest tenant's tickets become theirs (search vectors and all).
        conn.execute(
            "UPDATE tickets_ticket SET requester_id = %s WHERE id IN (SELECT id FROM tickets_ticket "
            "WHERE tenant_id = (SELECT id FROM tenancy_tenant WHERE slug = 't1') ORDER BY id LIMIT 3)",
            [member],
        )


# Rare values in the largest tenant, for the filters that no index served under RLS: 20
# tickets each with a tag, a custom field value, a type and a channel no other ticket has,
# and an organization whose one member is LIGHT_CUSTOMER (three tickets).
RARE_TAG, RARE_FIELD, RARE_TYPE, RARE_CHANNEL = "rare-vip", ("plan", "rare-gold"), "incident", "email"


def ensure_rare_values(conninfo: str) -> tuple[int, int]:
    """(organization id, LIGHT_CUSTOMER's membership id), made on the first run."""
    with psycopg.connect(conninfo) as conn:
        tenant = _first(conn.execute("SELECT id FROM tenancy_tenant WHERE slug = 't1'").fetchone())
        if not conn.execute(
            "SELECT 1 FROM tickets_ticket WHERE tenant_id = %s AND %s = ANY(tags)", [tenant, RARE_TAG]
        ).fetchone():
            picks = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM tickets_ticket WHERE tenant_id = %s "
                    "ORDER BY id DESC OFFSET 5000 LIMIT 80",
                    [tenant],
                )
            ]
            updates = (
                ("tags = ARRAY[%s]::varchar(50)[]", RARE_TAG),
                ("custom_fields = jsonb_build_object(%s::text, %s::text)", RARE_FIELD),
                ("type = %s", RARE_TYPE),
                ("channel = %s", RARE_CHANNEL),
            )
            for i, (assignment, value) in enumerate(updates):
                values = list(value) if isinstance(value, tuple) else [value]
                conn.execute(
                    f"UPDATE tickets_ticket SET {assignment} WHERE id = ANY(%s)",  # noqa: S608 - fixed SQL
                    [*values, picks[i * 20 : (i + 1) * 20]],
                )
        organization = conn.execute(
            "SELECT id FROM tenancy_organization WHERE tenant_id = %s AND name = 'Rare Org'", [tenant]
        ).fetchone()
        if organization is None:
            organization = conn.execute(
                "INSERT INTO tenancy_organization (tenant_id, name, domains, notes, created_at) "
                "VALUES (%s, 'Rare Org', '{}', '', now()) RETURNING id",
                [tenant],
            ).fetchone()
        member = _first(
            conn.execute(
                "UPDATE tenancy_membership m SET organization_id = %s FROM accounts_user u "
                "WHERE u.id = m.user_id AND u.email = %s AND m.tenant_id = %s RETURNING m.id",
                [_first(organization), LIGHT_CUSTOMER, tenant],
            ).fetchone()
        )
        conn.execute("ANALYZE tickets_ticket")
        return int(_first(organization)), int(member)


# What the write scenarios add, by table: removed after a run, so that every run measures the
# same data (1,000 creates per run put 1,000 new tickets on top of the largest tenant's queue,
# which the next run's filtered lists and searches then had to walk past).
WRITTEN_TABLES = ("tickets_ticket", "tickets_message", "tickets_ticketchange", "events_outboxevent")


def largest_tenant_targets(conn: psycopg.Connection) -> tuple[list[int], int | None]:
    """What the scenarios aim at in the largest tenant (t1): 1,000 of its open tickets, at
    random, and its customer's membership id (None before the seed made one)."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM tickets_ticket "
            "WHERE tenant_id = (SELECT id FROM tenancy_tenant WHERE slug = 't1') "
            "AND status <> 'closed' ORDER BY random() LIMIT 1000"
        )
    ]
    row = conn.execute(
        "SELECT m.id FROM tenancy_membership m JOIN accounts_user u ON u.id = m.user_id "
        "WHERE u.email = 'customer@t1.bench'"
    ).fetchone()
    return ids, (int(row[0]) if row else None)


def write_marks(conninfo: str) -> dict[str, int]:
    with psycopg.connect(conninfo) as conn:
        return {
            table: _first(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone())  # noqa: S608
            for table in WRITTEN_TABLES
        }


def remove_writes(conninfo: str, marks: dict[str, int]) -> None:
    """Delete the rows the run added (newer than `marks`), with whatever references them."""
    with psycopg.connect(conninfo) as conn:
        references = conn.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname "
            "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 "
            "AND c.confrelid::regclass::text IN ('tickets_ticket', 'tickets_message') "
            "AND a.attname <> 'tenant_id'"
        ).fetchall()
        # Children of messages, then of tickets (messages among them), then the rows themselves.
        for parent in ("tickets_message", "tickets_ticket"):
            for table, _, column in sorted({r for r in references if r[1] == parent and r[0] != parent}):
                conn.execute(f"DELETE FROM {table} WHERE {column} > %s", [marks[parent]])  # noqa: S608
        for table in WRITTEN_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE id > %s", [marks[table]])  # noqa: S608
        conn.execute(
            "UPDATE tickets_ticketcounter c SET last_number = n.last FROM (SELECT tenant_id, "
            "max(number) AS last FROM tickets_ticket GROUP BY tenant_id) n "
            "WHERE n.tenant_id = c.tenant_id AND c.last_number > n.last"
        )


def bench_database(owner_url: str, name: str = DEFAULT_DATABASE) -> tuple[str, str]:
    parts = urlsplit(owner_url)
    bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return admin, bench_url


def ensure_database(admin_url: str, name: str, fresh: bool) -> None:
    ident = psycopg.sql.Identifier(name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(psycopg.sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
            exists = None
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(ident))


def django_env(bench_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": bench_url,
        "FRONTLINE_ENV": "production",
        "FRONTLINE_SECRET_KEY": "bench-only-secret-key-" + "x" * 30,
        "FRONTLINE_SSL_REDIRECT": "0",
        "FRONTLINE_SECURE_COOKIES": "0",
        "FRONTLINE_HSTS_SECONDS": "0",
        "FRONTLINE_LOG_LEVEL": "WARNING",
        "FRONTLINE_CACHE_PREFIX": "frontline-bench",
    }


def manage(env: dict[str, str], *args: str, root: Path = ROOT) -> str:
    """A management command of the checkout at `root` (its own virtualenv and code)."""
    result = subprocess.run(
        [str(root / ".venv" / "bin" / "python"), str(root / "core" / "manage.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    def __init__(self, port: int, host: str, token: str) -> None:
        self.port, self.headers = port, {"Host": host, "Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        return response.status, payload


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's master and workers so far (Linux /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master_pid or ppid == master_pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_scenario(
    name: str, client: Client, make_request, requests: int, concurrency: int, server_pid: int
) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            method, path, body = make_request(i)
            t0 = time.perf_counter()
            status, payload = client.request(method, path, body)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                if status >= 400:
                    errors.append(f"{status} {payload[:120]!r}")

    started, cpu_started = time.perf_counter(), server_cpu_seconds(server_pid)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    server_cpu = server_cpu_seconds(server_pid) - cpu_started
    latencies.sort()
    return {
        "name": name,
        "n": len(latencies),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "rps": len(latencies) / wall,
        "cpu_ms": server_cpu * 1000 / max(1, len(latencies)),
        "errors": errors[:3],
        "error_count": len(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="20 tenants, 10,000 tickets")
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (>1: gthread, overlaps database waits)"
    )
    parser.add_argument("--fresh", action="store_true", help="drop and re-seed the bench database")
    parser.add_argument("--seed-only", action="store_true", help="seed the database, measure nothing")
    parser.add_argument(
        "--server-root",
        type=Path,
        default=ROOT,
        help="checkout whose code gunicorn serves (its .venv and core/), e.g. main's, to compare "
        "two versions against the same data in one session",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario name prefixes to run")
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help="bench database name (default frontline_bench, or $FRONTLINE_BENCH_DB); "
        "a name of your own keeps parallel runs on a shared server apart",
    )
    args = parser.parse_args()
    if args.small:
        args.tenants, args.tickets = 20, 10_000
    if args.tickets < 100_000 and not args.small and args.tenants == 1000:
        args.tenants = max(2, args.tickets // 1000)
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url:
        print("Set DATABASE_URL (owner role), e.g. run under scripts/devstack.py exec --", file=sys.stderr)
        return 2
    admin_url, bench_url = bench_database(owner_url, args.database)
    ensure_database(admin_url, args.database, args.fresh)
    env = django_env(bench_url)
    manage(env, "migrate", "--database", "owner", "--no-input", "-v", "0", root=args.server_root)
    seed(bench_url, args.tenants, args.tickets)
    if args.seed_only:
        return 0
    token_args = ("create_api_token", "--tenant", "t1", "--email", "agent@t1.bench", "--name", "bench")
    token = manage(env, *token_args, root=args.server_root)
    ensure_light_customer(bench_url)
    organization, light_member = ensure_rare_values(bench_url)
    customer_args = ("create_api_token", "--tenant", "t1", "--email", LIGHT_CUSTOMER, "--name", "bench")
    customer_token = manage(env, *customer_args, root=args.server_root)
    with psycopg.connect(bench_url) as conn:
        ids, requester = largest_tenant_targets(conn)
        if requester is None:
            raise RuntimeError("expected a row")
        largest = conn.execute(
            "SELECT last_number FROM tickets_ticketcounter ORDER BY last_number DESC LIMIT 1"
        )
        largest_size = _first(largest.fetchone())

    marks = write_marks(bench_url)
    port = free_port()
    server = subprocess.Popen(
        [
            str(args.server_root / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=args.server_root / "core",
        env=env,
    )
    try:
        client = Client(port, "t1.localhost", token)
        customer = Client(port, "t1.localhost", customer_token)
        for _ in range(100):
            try:
                if client.request("GET", "/api/v1/tickets?limit=1")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for _ in range(50):  # warm every worker's connection pool and caches
            client.request("GET", "/api/v1/tickets")
        rng = random.Random(7)
        scenarios = [
            ("list (default view)", lambda i: ("GET", "/api/v1/tickets", None)),
            (
                "list filtered",
                lambda i: (
                    "GET",
                    "/api/v1/tickets?status_category=open&priority=high&assignee=none"
                    if i % 2
                    else "/api/v1/tickets?status_category=pending&sort=-created_at",
                    None,
                ),
            ),
            ("filter rare tag", lambda i: ("GET", f"/api/v1/tickets?tag={RARE_TAG}", None)),
            (
                "filter rare custom field",
                lambda i: ("GET", f"/api/v1/tickets?cf={':'.join(RARE_FIELD)}", None),
            ),
            ("filter rare type", lambda i: ("GET", f"/api/v1/tickets?type={RARE_TYPE}", None)),
            ("filter rare channel", lambda i: ("GET", f"/api/v1/tickets?channel={RARE_CHANNEL}", None)),
            ("filter organization", lambda i: ("GET", f"/api/v1/tickets?organization={organization}", None)),
            ("filter requester", lambda i: ("GET", f"/api/v1/tickets?requester={light_member}", None)),
            ("detail with messages", lambda i: ("GET", f"/api/v1/tickets/{rng.choice(ids)}", None)),
            (
                "create",
                lambda i: (
                    "POST",
                    "/api/v1/tickets",
                    {
                        "subject": f"Bench ticket {i} login error",
                        "body_text": "Cannot log in since the update. " * 5,
                        "requester_id": requester,
                    },
                ),
            ),
            (
                "reply",
                lambda i: (
                    "POST",
                    f"/api/v1/tickets/{rng.choice(ids)}/messages",
                    {"body_text": "Thanks, we are looking into it. " * 3},
                ),
            ),
            (
                "search common term",
                lambda i: ("GET", "/api/v1/search?q=" + rng.choice(["password", "invoice", "login"]), None),
            ),
            ("search rare term", lambda i: ("GET", f"/api/v1/search?q={RARE_WORD}", None)),
            ("customer list", lambda i: ("GET", "/api/v1/tickets", None)),
            (
                "customer search",
                lambda i: ("GET", "/api/v1/search?q=" + rng.choice(["password", "invoice", "login"]), None),
            ),
        ]
        load_start = os.getloadavg()[0]
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        results = []
        for name, make in scenarios:
            if wanted and not any(name.startswith(w) for w in wanted):
                continue
            who = customer if name.startswith("customer") else client
            results.append(run_scenario(name, who, make, args.requests, args.concurrency, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
        remove_writes(bench_url, marks)

    server_kind = "sync" if args.threads == 1 else f"gthread ({args.threads} threads)"
    print(
        f"\nserving {args.server_root}; load average (1 min) {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end\n"
        f"{args.tickets} tickets / {args.tenants} tenants (largest tenant {largest_size}); gunicorn "
        f"{args.workers} {server_kind} workers; {args.concurrency} client threads on the same machine\n"
    )
    # cpu ms: the gunicorn processes' CPU per request (what bounds req/s per core on the
    # web tier; the database's own CPU is not in it).
    print(f"{'scenario':<24} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'cpu ms':>7}  errors")
    for r in results:
        print(
            f"{r['name']:<24} {r['n']:>8} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['rps']:>8.0f} "
            f"{r['cpu_ms']:>7.2f}  "
            f"{r['error_count']} {r['errors'][0] if r['errors'] else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
