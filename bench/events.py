"""Benchmark: inbound email throughput (parsed and stored) and outbox relay lag (commit -> stream).

Run with the environment of `make test` (a scratch database is created and dropped):
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/events.py [--emails 300] [--events 300]
Inbound mail stops at the ticket step while ticketing is not installed (it is then
quarantined as ticketing_unavailable): parse, checks, sender lookup and the stored row.
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
os.environ.setdefault("FRONTLINE_TEST_DB", "frontline_bench_events")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from contracts.events import stream_key  # noqa: E402
from contracts.samples import sample_payload  # noqa: E402
from email_channel.services import email_ingest  # noqa: E402
from events import registry  # noqa: E402
from events.relay import redis_client, relay_all  # noqa: E402
from events.services import event_record  # noqa: E402
from tenancy.context import tenant_context  # noqa: E402
from testing.database import test_database  # noqa: E402
from testing.factories import make_tenant  # noqa: E402

MAIL = """From: Customer {i} <c{i}@example.com>
To: support@bench.{domain}
Subject: Order {i} did not arrive
Message-ID: <bench-{i}@example.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Hello, my order {i} has not arrived yet.

On Mon, Nov 23, 2026 Support wrote:
> earlier text

--b
Content-Type: text/html; charset=utf-8

<p>Hello, my order {i} has not arrived yet.</p>
--b--
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_email(n: int) -> tuple[float, str]:
    from django.conf import settings

    raws = [MAIL.format(i=i, domain=settings.FRONTLINE_MAIL_DOMAIN).encode() for i in range(n)]
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for raw in raws:
        result = email_ingest(raw=raw, mail_from="c@example.com")
        key = result.reason or result.status
        statuses[key] = statuses.get(key, 0) + 1
    elapsed = time.perf_counter() - started
    return n / elapsed, ", ".join(f"{k}={v}" for k, v in statuses.items())


def bench_relay(tenant_id: int, n: int) -> list[float]:
    """Milliseconds from the recording transaction's commit until its entry is in the
    tenant's stream, with the relay run right after each commit (what the kick does,
    minus the broker hop to a worker)."""
    client = redis_client()
    client.delete(stream_key(tenant_id))
    lags = []
    for i in range(n):
        with tenant_context(tenant_id):
            event_record(
                tenant_id=tenant_id, type="ticket.created", data=sample_payload("ticket.created", number=i)
            )
            transaction.get_connection().run_on_commit.clear()
        committed = time.perf_counter()
        relay_all()
        lags.append((time.perf_counter() - committed) * 1000)
    assert client.xlen(stream_key(tenant_id)) == n
    client.delete(stream_key(tenant_id))
    return lags


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    from django.conf import settings

    settings.FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR = 10**9
    settings.FRONTLINE_EVENT_SUBSCRIBERS = []  # the relay's own cost: stream + bookkeeping
    registry.subscribers.cache_clear()
    with test_database():
        tenant = make_tenant("bench")
        rate, statuses = bench_email(args.emails)
        lags = bench_relay(tenant.id, args.events)
    print(f"{'measure':44} {'value':>10}")
    print(f"{'inbound email parsed+stored (msg/s)':44} {rate:10.1f}   ({statuses})")
    print(f"{'outbox relay lag commit->stream p50 (ms)':44} {statistics.median(lags):10.2f}")
    print(f"{'outbox relay lag commit->stream p99 (ms)':44} {pct(lags, 0.99):10.2f}")
    print(f"{'outbox relay lag commit->stream max (ms)':44} {max(lags):10.2f}")


if __name__ == "__main__":
    main()
