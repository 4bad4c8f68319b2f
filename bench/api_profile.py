"""In-process profile of the tickets API request path (no HTTP server, no client threads).

    .venv/bin/python bench/api_profile.py                 # ms of CPU+DB per request, queries per request
    .venv/bin/python bench/api_profile.py --profile list  # plus cProfile's top functions for one scenario

Runs Django's test client in a loop against the bench database that `bench/api_load.py`
seeds (`frontline_bench`; seed it first with `api_load.py --small`), with an API token of
tenant t1, through the whole middleware stack. It measures the worker's cost of one
request, which is what bounds requests per second per core.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "core"))


def _api_load() -> Any:
    """bench/api_load.py by path (bench/ must not shadow the apps of core/ on sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("api_load", ROOT / "bench" / "api_load.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("bench/api_load.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", default="", help="scenario to run under cProfile")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url:
        print("Set DATABASE_URL (owner role)", file=sys.stderr)
        return 2
    api_load = _api_load()
    _, bench_url = api_load.bench_database(owner_url)
    os.environ.update(api_load.django_env(bench_url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    out = io.StringIO()
    call_command(
        "create_api_token", "--tenant", "t1", "--email", "agent@t1.bench", "--name", "profile", stdout=out
    )
    token = out.getvalue().strip().splitlines()[-1]
    with connections["owner"].cursor() as cur:
        cur.execute(
            "SELECT id FROM tickets_ticket "
            "WHERE tenant_id = (SELECT id FROM tenancy_tenant WHERE slug = 't1') ORDER BY id DESC LIMIT 200"
        )
        ids = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT m.id FROM tenancy_membership m JOIN accounts_user u ON u.id = m.user_id "
            "WHERE u.email = 'customer@t1.bench'"
        )
        requester = cur.fetchone()[0]
    client = Client(HTTP_HOST="t1.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")

    def create(i: int) -> Any:
        return client.post(
            "/api/v1/tickets",
            {"subject": f"Profile ticket {i}", "body_text": "Cannot log in. " * 5, "requester_id": requester},
            content_type="application/json",
        )

    scenarios = {
        "list": lambda i: client.get("/api/v1/tickets"),
        "list_filtered": lambda i: client.get(
            "/api/v1/tickets?status_category=open&priority=high&assignee=none"
        ),
        "detail": lambda i: client.get(f"/api/v1/tickets/{ids[i % len(ids)]}"),
        "create": create,
        "search": lambda i: client.get("/api/v1/search?q=password"),
        "search_rare": lambda i: client.get("/api/v1/search?q=zanzibarquokka"),
    }
    queries = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    print(
        f"{'scenario':<16} {'n':>5} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} {'cpu ms':>8}"
    )
    for name, call in scenarios.items():
        if args.profile and name != args.profile:
            continue
        for i in range(20):  # warm-up
            response = call(i)
            assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
        profiler = cProfile.Profile() if args.profile else None
        times: list[float] = []
        cpu: list[float] = []
        queries[0] = 0
        with connections["default"].execute_wrapper(counter):
            if profiler:
                profiler.enable()
            for i in range(args.requests):
                started, cpu_started = time.perf_counter(), time.process_time()
                call(i)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            if profiler:
                profiler.disable()
        times.sort()
        print(
            f"{name:<16} {len(times):>5} {statistics.mean(times) * 1000:>8.2f} "
            f"{statistics.median(times) * 1000:>8.2f} {times[int(len(times) * 0.99)] * 1000:>8.2f} "
            f"{queries[0] / len(times):>8.1f} {statistics.mean(cpu) * 1000:>8.2f}"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
