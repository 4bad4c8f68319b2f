"""The production path under load: nginx -> `scripts/serve.py web` (gunicorn), as `make serve` runs it.

    .venv/bin/python bench/serve_load.py                 # the 1M-ticket bench database of api_load.py
    .venv/bin/python bench/serve_load.py --workers 4 --threads 2 --requests 600

Uses the database `bench/api_load.py` seeds (run `api_load.py --seed-only` first; 1,000 tenants,
1,000,000 tickets by default). In one run it measures list, detail and create of the largest
tenant through a real nginx (deploy/nginx/frontline.conf.template) in front of
  - one web node: `serve.py web --workers W`, and
  - two web nodes: two `serve.py web --workers W/2` on their own ports (the scale-out shape,
    both on this machine), nginx balancing between them,
and prints p50/p99 and req/s per scenario, and the two-node/one-node req/s ratio.
Needs DATABASE_URL (owner) and REDIS_URL, and Debian's nginx.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from api_load import (
    DEFAULT_DATABASE,
    ROOT,
    Client,
    bench_database,
    django_env,
    free_port,
    largest_tenant_targets,
    manage,
    remove_writes,
    run_scenario,
    write_marks,
)

sys.path[:0] = [str(ROOT / "core"), str(ROOT)]
from testing.nginx import start_nginx  # noqa: E402 - needs the paths above


def start_web(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(ROOT / "scripts" / "serve.py"), "web", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    return subprocess.Popen(command, env=env, start_new_session=True)


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz", headers={"Host": "localhost"})
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"web on :{port} not ready after {timeout} s")


def scenarios(ids: list[int], requester: int) -> list:
    rng = random.Random(11)
    return [
        ("list (default view)", lambda i: ("GET", "/api/v1/tickets", None)),
        ("detail with messages", lambda i: ("GET", f"/api/v1/tickets/{rng.choice(ids)}", None)),
        (
            "create",
            lambda i: (
                "POST",
                "/api/v1/tickets",
                {
                    "subject": f"Serve bench ticket {i}",
                    "body_text": "Cannot log in since the update. " * 5,
                    "requester_id": requester,
                },
            ),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    # The defaults of `serve.py web`: one process per core, one thread each (docs/operations/sizing.md).
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn processes (split over 2 nodes)"
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url:
        raise SystemExit("Set DATABASE_URL (owner) and REDIS_URL; seed with bench/api_load.py --seed-only")
    _, bench_url = bench_database(owner_url, args.database)
    env = django_env(bench_url)
    env["FRONTLINE_AI_TOKEN"] = "bench-ai-token"
    env["FRONTLINE_SECRET_KEY"] = "bench-serve-" + "k7Qz" * 12
    token = manage(env, "create_api_token", "--tenant", "t1", "--email", "agent@t1.bench", "--name", "serve")
    with psycopg.connect(bench_url) as conn:
        ids, customer = largest_tenant_targets(conn)
    requester = customer or 0

    layouts = {"1 node": [args.workers], "2 nodes": [args.workers // 2, args.workers - args.workers // 2]}
    results: dict[str, list[dict]] = {}
    load_start = os.getloadavg()[0]
    for label, node_workers in layouts.items():
        ports = [free_port() for _ in node_workers]
        nodes = [start_web(env, port, w, args.threads) for port, w in zip(ports, node_workers, strict=True)]
        marks = write_marks(bench_url)
        try:
            for port in ports:
                wait_ready(port)
            with (
                tempfile.TemporaryDirectory() as tmp,
                start_nginx(Path(tmp), web_ports=ports, realtime_ports=[free_port()]) as proxy,
            ):
                client = Client(proxy.port, "t1.localhost", token)
                for _ in range(60):  # warm every worker's pool and caches
                    client.request("GET", "/api/v1/tickets")
                results[label] = []
                for name, make in scenarios(ids, requester):
                    result = run_scenario(name, client, make, args.requests, args.concurrency, nodes[0].pid)
                    results[label].append(result)
        finally:
            for node in nodes:
                node.terminate()
                node.wait(timeout=40)
            remove_writes(bench_url, marks)

    print(
        f"\nnginx -> serve.py web; {args.workers} gunicorn workers x {args.threads} threads in all; "
        f"{args.concurrency} client threads on the same machine; "
        f"load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end\n"
    )
    print(f"{'layout':<8} {'scenario':<22} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}  errors")
    for label, rows in results.items():
        for r in rows:
            print(
                f"{label:<8} {r['name']:<22} {r['n']:>8} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['rps']:>8.0f}  "
                f"{r['error_count']} {r['errors'][0] if r['errors'] else ''}"
            )
    print()
    for one, two in zip(results["1 node"], results["2 nodes"], strict=True):
        print(f"2 nodes / 1 node req/s, {one['name']}: {two['rps'] / one['rps']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
