"""Benchmark: inbound email throughput (parsed and stored as tickets) and outbox relay lag.

Run with the environment of `make test` (a scratch database is created and dropped):
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/events.py [--emails 300] [--events 300]

Inbound, the real path three ways: `email_ingest` in process (parse, checks, sender,
ticket with its first message and outbox event, attachments, stored original), a real
SMTP session into the receiver, and a poll of a local IMAP server. Relay lag twice:
in process (relay run right after each commit: the relay's own cost) and end to end
(an email becomes a ticket, its commit kicks a real Celery worker through the broker,
lag until ticket.created is in the tenant's stream).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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
from email_channel.imap import mailbox_poll  # noqa: E402
from email_channel.inbound import email_ingest  # noqa: E402
from email_channel.mailboxes import mailbox_create  # noqa: E402
from email_channel.receiver import make_controller  # noqa: E402
from events import registry  # noqa: E402
from events.relay import redis_client, relay_all  # noqa: E402
from events.services import event_record  # noqa: E402
from tenancy.context import tenant_context  # noqa: E402
from testing.database import test_database  # noqa: E402
from testing.factories import make_tenant  # noqa: E402
from testing.imap_server import ImapServer  # noqa: E402
from testing.workers import free_port, kill_group, start_worker, worker_env  # noqa: E402

MAIL = """From: Customer {i} <c{i}@example.com>
To: support@bench.{domain}
Subject: Order {i} did not arrive
Message-ID: <bench-{kind}-{i}@example.com>
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


def _raws(kind: str, n: int) -> list[bytes]:
    from django.conf import settings

    return [MAIL.format(i=i, kind=kind, domain=settings.FRONTLINE_MAIL_DOMAIN).encode() for i in range(n)]


def _summary(statuses: list[str]) -> str:
    return ", ".join(f"{k}={statuses.count(k)}" for k in sorted(set(statuses)))


def bench_email(n: int) -> tuple[float, list[float], str]:
    """In process: msg/s and per-message ms."""
    statuses, times = [], []
    started = time.perf_counter()
    for raw in _raws("direct", n):
        t0 = time.perf_counter()
        result = email_ingest(raw=raw, mail_from="c@example.com")
        times.append((time.perf_counter() - t0) * 1000)
        statuses.append(result.reason or result.status)
    return n / (time.perf_counter() - started), times, _summary(statuses)


def bench_smtp(n: int) -> float:
    """One SMTP connection into the receiver; each DATA is answered once the ticket is stored."""
    import smtplib

    port = free_port()
    controller = make_controller("127.0.0.1", port)
    controller.start()
    try:
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for raw in _raws("smtp", n):
                smtp.sendmail("c@example.com", ["support@bench.mail.localhost"], raw)
        return n / (time.perf_counter() - started)
    finally:
        controller.stop()


def bench_imap(tenant, n: int) -> tuple[float, str]:
    from django.conf import settings

    server = ImapServer({"box": "pw"}).start()
    try:
        for raw in _raws("imap", n):
            server.deliver("box", re.sub(rb"(?m)^To: .*$", b"To: help@bench-corp.example", raw, count=1))
        settings.FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = True  # the local server
        with tenant_context(tenant.id):
            box = mailbox_create(
                tenant=tenant, password="pw", address="help@bench-corp.example", host=server.host,
                port=server.port, security="none", username="box",
            )  # fmt: skip
        settings.FRONTLINE_IMAP_BATCH = n
        started = time.perf_counter()
        result = mailbox_poll(tenant_id=tenant.id, mailbox_id=box.id)
        rate = n / (time.perf_counter() - started)
        return rate, f"{result.status}, {result.ingested} ingested {result.error}"
    finally:
        server.stop()


def _pending(tenant_id: int) -> str:
    from events.models import OutboxEvent

    with tenant_context(tenant_id):
        rows = OutboxEvent.objects.filter(tenant_id=tenant_id, published_at__isnull=True)
        return f"{rows.count()} pending, errors: {set(rows.values_list('last_error', flat=True))}"


def bench_relay_worker(tenant_id: int, n: int) -> list[float]:
    """Email -> ticket commit -> kick through Redis -> a real worker's relay -> stream (ms)."""
    import tempfile
    from pathlib import Path as P

    from django.conf import settings

    from config.celery import app as celery_app
    from contracts.events import EventEnvelope

    client = redis_client()
    key = stream_key(tenant_id)
    client.delete(key)
    celery_app.control.purge()
    log = P(tempfile.mkdtemp()) / "worker.log"
    worker = start_worker(worker_env(settings.REDIS_URL), log=log)
    lags = []
    seen: set[str] = set()  # event ids streamed: the commit hook and the relay add each once
    try:
        last = "0-0"
        for i, raw in enumerate(_raws("relay", n + 5)):
            result = email_ingest(raw=raw, mail_from="c@example.com")  # returns after the commit
            committed = time.perf_counter()
            found, deadline = False, time.monotonic() + 60
            while not found:
                entries: Any = client.xread({key: last}, block=500, count=50)
                if not entries:
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"email {i}: no stream entry within 60 s ({_pending(tenant_id)}); "
                            f"worker log: {log.read_text()[-2000:]}"
                        )
                    continue
                for entry_id, fields in entries[0][1]:
                    last = entry_id
                    envelope = EventEnvelope.from_stream_fields(fields)
                    if str(envelope.id) in seen:
                        raise RuntimeError(f"event {envelope.id} is in the stream twice")
                    seen.add(str(envelope.id))
                    found = found or (
                        envelope.type == "ticket.created"
                        and envelope.data.get("ticket_id") == result.ticket_id
                    )
            if i >= 5:  # the first few warm the worker up
                lags.append((time.perf_counter() - committed) * 1000)
    finally:
        kill_group(worker, sig=15)
        celery_app.control.purge()
        client.delete(key)
    return lags


def bench_relay(tenant_id: int, n: int) -> list[float]:
    """Milliseconds from the recording transaction's commit until its entry is in the
    tenant's stream, with the relay run right after each commit (what the kick does,
    minus the broker hop to a worker)."""
    client = redis_client()
    while relay_all():  # what the email benchmarks left pending (no worker ran them)
        pass
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
    parser.add_argument("--worker-events", type=int, default=100)
    args = parser.parse_args()
    from django.conf import settings

    settings.FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR = 10**9
    with test_database():
        tenant = make_tenant("bench")
        worker_lags = bench_relay_worker(tenant.id, args.worker_events)
        # The rest runs in process: subscribers off, so only intake and the relay are timed
        # (the worker's relay above ran them, as in production).
        with registry.subscribers_replaced():
            rate, times, statuses = bench_email(args.emails)
            smtp_rate = bench_smtp(args.emails)
            imap_rate, imap_status = bench_imap(tenant, args.emails)
            lags = bench_relay(tenant.id, args.events)
    from config.celery import app as celery_app

    celery_app.control.purge()  # the kicks of the in-process runs (no worker took them)
    rows = [
        ("inbound email -> ticket, in process (msg/s)", rate, f"({statuses})"),
        ("  per message p50 (ms)", statistics.median(times), ""),
        ("  per message p99 (ms)", pct(times, 0.99), ""),
        ("inbound email -> ticket, SMTP session (msg/s)", smtp_rate, ""),
        ("inbound email -> ticket, IMAP poll (msg/s)", imap_rate, f"({imap_status})"),
        ("relay lag commit->stream, in process p50 (ms)", statistics.median(lags), ""),
        ("relay lag commit->stream, in process p99 (ms)", pct(lags, 0.99), ""),
        ("relay lag email commit->stream, worker p50 (ms)", statistics.median(worker_lags), ""),
        ("relay lag email commit->stream, worker p99 (ms)", pct(worker_lags, 0.99), ""),
        ("relay lag email commit->stream, worker max (ms)", max(worker_lags), ""),
    ]
    print(f"{'measure':50} {'value':>10}")
    for name, value, note in rows:
        print(f"{name:50} {value:10.2f}   {note}".rstrip())


if __name__ == "__main__":
    main()
