"""Two HTTP systems side by side: the same paths, the same client, interleaved, with ratios.

    .venv/bin/python bench/peer_compare.py \
        --a http://t1.localhost:8000 --a-header "Authorization: Bearer TOKEN" \
        --b http://127.0.0.1:8080 --b-cookie "sessionid=...; csrftoken=..." \
        --path "/api/v1/tickets | /tickets/" --path "/api/v1/tickets/42 | /tickets/42/" \
        --requests 300 --concurrency 1

Each `--path` is `A_PATH | B_PATH` (or one path for both); `--paths FILE` reads them one a
line (# comments). For every path, request i goes to A and to B in turn (which one first
alternates), so a machine that slows down slows both alike. Non-2xx answers are counted as
errors and printed, never timed silently. The Host header is the URL's host unless
`--a-host`/`--b-host` give another one (a tenant's host on a server bound to 127.0.0.1).
Prints per path: requests, median and p99 of each side (ms), and the ratios B/A, and the
load average at the start and the end (a shared machine shows it there).
How to run it against django-helpdesk: docs/benchmarks/peer-compare.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Side:
    name: str
    base: str
    headers: dict[str, str]
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        self.scheme, self.netloc, self.prefix = parts.scheme or "http", parts.netloc, parts.path.rstrip("/")
        self.headers.setdefault("Host", parts.netloc)
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            factory = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            conn = factory(self.netloc, timeout=60)
            self._local.conn = conn
        return conn

    def get(self, key: str, path: str) -> None:
        """One GET on a kept-alive connection of this thread, timed to the last byte read."""
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request("GET", self.prefix + path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self._local.conn = None
            status, body = 0, repr(exc).encode()
        elapsed = time.perf_counter() - started
        if response_closes(status):
            self._local.conn = None
        if 200 <= status < 300:
            self.latencies.setdefault(key, []).append(elapsed)
        else:
            self.errors.setdefault(key, []).append(f"{status} {body[:100]!r}")


def response_closes(status: int) -> bool:
    return status == 0 or status >= 400


def header_pairs(values: list[str], cookie: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep:
            raise SystemExit(f"A header looks like 'Name: value', not {value!r}")
        headers[name.strip()] = rest.strip()
    if cookie:
        headers["Cookie"] = cookie
    return headers


def read_paths(args: argparse.Namespace) -> list[tuple[str, str]]:
    lines = list(args.path)
    if args.paths:
        with open(args.paths, encoding="utf-8") as handle:
            lines += [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    pairs = []
    for line in lines:
        a, sep, b = line.partition("|")
        pairs.append((a.strip(), (b if sep else a).strip()))
    if not pairs:
        raise SystemExit("Give at least one --path (or --paths FILE).")
    return pairs


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _interleaved(a: Side, b: Side, paths: tuple[str, str], requests: int, concurrency: int) -> None:
    a_path, b_path = paths
    key = f"{a_path} | {b_path}"
    counter = iter(range(requests))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            order = ((a, a_path), (b, b_path)) if i % 2 == 0 else ((b, b_path), (a, a_path))
            for side, path in order:
                side.get(key, path)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run(a: Side, b: Side, pairs: list[tuple[str, str]], requests: int, concurrency: int, warmup: int) -> None:
    for a_path, b_path in pairs:
        for _ in range(warmup):  # connections, caches and lazy imports of both sides
            a.get("warmup", a_path)
            b.get("warmup", b_path)
        _interleaved(a, b, (a_path, b_path), requests, concurrency)


def report(a: Side, b: Side, pairs: list[tuple[str, str]], load: tuple[float, float]) -> str:
    lines = [
        f"A = {a.base}   B = {b.base}",
        f"load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end",
        "",
        f"{'path (A | B)':<48} {'n':>5} {'A p50':>8} {'A p99':>8} {'B p50':>8} {'B p99':>8} "
        f"{'B/A p50':>8} {'B/A p99':>8}  errors",
    ]
    for a_path, b_path in pairs:
        key = f"{a_path} | {b_path}"
        a_times, b_times = a.latencies.get(key, []), b.latencies.get(key, [])
        errors = len(a.errors.get(key, [])) + len(b.errors.get(key, []))
        if not a_times or not b_times:
            lines.append(f"{key:<48} no successful answers on one side; errors: {errors}")
        else:
            a50, a99 = statistics.median(a_times) * 1000, percentile(a_times, 0.99) * 1000
            b50, b99 = statistics.median(b_times) * 1000, percentile(b_times, 0.99) * 1000
            lines.append(
                f"{key:<48} {min(len(a_times), len(b_times)):>5} {a50:>8.2f} {a99:>8.2f} {b50:>8.2f} "
                f"{b99:>8.2f} {b50 / a50:>8.3f} {b99 / a99:>8.3f}  {errors}"
            )
        for side in (a, b):
            for message in side.errors.get(key, [])[:2]:
                lines.append(f"    {side.name}: {message}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for side in ("a", "b"):
        parser.add_argument(f"--{side}", required=True, help=f"base URL of system {side.upper()}")
        parser.add_argument(f"--{side}-header", action="append", default=[], help="'Name: value', repeatable")
        parser.add_argument(f"--{side}-cookie", help="a Cookie header value, e.g. 'sessionid=...'")
        parser.add_argument(f"--{side}-host", help="Host header (default: the URL's host)")
    parser.add_argument("--path", action="append", default=[], help="'A_PATH | B_PATH' or one path")
    parser.add_argument("--paths", help="a file of such lines")
    parser.add_argument("--requests", type=int, default=200, help="requests per path and side")
    parser.add_argument("--concurrency", type=int, default=1, help="client threads (each does A and B)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per path and side")
    args = parser.parse_args()
    sides = []
    for name in ("a", "b"):
        headers = header_pairs(getattr(args, f"{name}_header"), getattr(args, f"{name}_cookie"))
        if getattr(args, f"{name}_host"):
            headers["Host"] = getattr(args, f"{name}_host")
        sides.append(Side(name.upper(), getattr(args, name), headers))
    a, b = sides
    pairs = read_paths(args)
    load_start = os.getloadavg()[0]
    run(a, b, pairs, args.requests, args.concurrency, args.warmup)
    print(report(a, b, pairs, (load_start, os.getloadavg()[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
