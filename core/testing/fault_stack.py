"""The fault suite's traffic and its far ends: inbound mail into the real SMTP receiver process,
outbound mail to a real SMTP server (aiosmtpd), webhooks to a local HTTP receiver, and the ids
each far end saw, for `testing.fault_report`.

One tenant with a single agent: every email-created ticket is unassigned, so its
`ticket.created` event tells the staff pool (that agent) once in the app and once by mail, and
posts one webhook. Each of those is counted by id.
"""

from __future__ import annotations

import json
import re
import smtplib
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import redis
from django.conf import settings as django_settings

from config.celery import app
from contracts.events import stream_key
from email_channel import addresses
from email_channel.models import InboundEmail, OutboundEmail
from events import registry
from events.models import OutboxEvent
from notifications.models import Notification
from tenancy.context import tenant_context
from tenancy.models import Role
from testing import fault_report
from testing.factories import TenantWorld, make_member, make_tenant, make_user
from testing.http_receiver import Receiver
from testing.mail_catcher import MailCatcher
from testing.workers import REPO, free_port, wait_until, worker_env
from tickets.models import Ticket

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def lean_world(settings_override: Any, slug: str) -> TenantWorld:
    """A tenant with one agent; webhooks to the local receiver allowed; its stream empty.
    `settings_override` is pytest-django's `settings`."""
    settings_override.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    registry.subscribers.cache_clear()
    tenant = make_tenant(slug)
    world = TenantWorld(tenant=tenant)
    for role in (Role.AGENT, Role.CUSTOMER):
        world.members[role] = make_member(tenant, role, make_user(f"{role}@{slug}.test"))
    redis.Redis.from_url(settings_override.REDIS_URL).delete(stream_key(tenant.id))
    return world


def side_effect_queues(settings_override: Any, *, ai: bool = False) -> list[str]:
    """The broker's queue names a fault test's workers consume: all but `ai` unless asked (triage
    needs the AI service, which only scenario d runs; its tasks wait in their queue meanwhile)."""
    purposes = [q for q in settings_override.CELERY_QUEUES_BY_PURPOSE if ai or q != "ai"]
    return [settings_override.FRONTLINE_CELERY_QUEUE_PREFIX + q for q in purposes]


def fault_worker_env(redis_url: str, catcher: MailCatcher, beat_dir: Path, **extra: str) -> dict[str, str]:
    """A worker's settings in the fault suite: outbound mail to the catcher over plain SMTP,
    webhooks to the local receiver, and a dead worker's unacknowledged task back after 4 s
    (the visibility timeout, an hour in production) instead of an hour."""
    return worker_env(
        redis_url,
        FRONTLINE_EMAIL_HOST="127.0.0.1",
        FRONTLINE_EMAIL_PORT=str(catcher.port),
        FRONTLINE_EMAIL_TLS="0",
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        FRONTLINE_CELERY_VISIBILITY_TIMEOUT="4",
        FRONTLINE_CELERY_RESTORE_INTERVAL="2",
        FRONTLINE_BEAT_SCHEDULE=str(beat_dir / "beat-schedule"),
        **extra,
    )


# -- inbound mail ---------------------------------------------------------------------------


@dataclass
class SmtpReceiver:
    """`manage.py smtp_receiver`, the Procfile's inbound mail process, on a free port."""

    proc: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_smtp_receiver(env: dict[str, str], log: Path) -> SmtpReceiver:
    port = free_port()
    out = open(log, "ab")  # noqa: SIM115 - the child holds it
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "smtp_receiver", "--port", str(port)],
        cwd=REPO / "core",
        env=env,
        stdout=out,
        stderr=out,
        start_new_session=True,
    )

    def answers() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
                return smtp.noop()[0] == 250
        except OSError:
            return proc.poll() is not None  # exited: stop waiting, fail below

    assert wait_until(answers, timeout=60), log.read_text()[-2000:]
    assert proc.poll() is None, log.read_text()[-2000:]
    return SmtpReceiver(proc, port)


def inbound_message(slug: str, n: int, run: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Customer {n} <customer{n}.{run}@example.test>"
    message["To"] = addresses.support_address(slug)
    message["Subject"] = f"Order {n} has not arrived"
    message["Message-ID"] = f"<fault-{run}-{n}@example.test>"
    message.set_content(f"Hello, order number {n} is late. Where is it?")
    return message


@dataclass
class InboundBurst:
    """Sends messages to the SMTP receiver from a thread, as a sending MTA does: a 4xx answer or
    a dropped connection means try again later, so nothing the receiver did not take is lost."""

    port: int
    messages: list[EmailMessage]
    accepted: list[str] = field(default_factory=list)
    retries: int = 0
    error: BaseException | None = None
    thread: threading.Thread | None = None

    def start(self) -> InboundBurst:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            pending = list(self.messages)
            deadline = time.monotonic() + 600  # a sending MTA keeps trying for days
            while pending and time.monotonic() < deadline:
                try:
                    with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
                        while pending:
                            smtp.send_message(pending[0])
                            self.accepted.append(str(pending.pop(0)["Message-ID"]))
                except (smtplib.SMTPException, OSError):
                    self.retries += 1
                    time.sleep(0.2)
        except BaseException as exc:  # reported by join()
            self.error = exc

    def join(self, timeout: float) -> None:
        assert self.thread is not None
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"burst still sending after {timeout} s"
        if self.error:
            raise self.error


# -- what each far end saw -------------------------------------------------------------------


def ticket_created_event_ids(world: TenantWorld) -> list[str]:
    with tenant_context(world.tenant.id):
        rows = OutboxEvent.objects.filter(type="ticket.created").values_list("event_id", flat=True)
        return [str(i) for i in rows]


def unpublished(world: TenantWorld) -> int:
    with tenant_context(world.tenant.id):
        return OutboxEvent.objects.filter(published_at__isnull=True).count()


def inbound_ticket_message_ids(world: TenantWorld) -> list[str]:
    """The Message-ID of every stored inbound mail (one row per mail taken in)."""
    with tenant_context(world.tenant.id):
        return list(InboundEmail.objects.values_list("message_id", flat=True))


def ticket_count(world: TenantWorld) -> int:
    with tenant_context(world.tenant.id):
        return Ticket.objects.count()


def notification_event_ids(world: TenantWorld, kind: str = "ticket.created") -> list[str]:
    with tenant_context(world.tenant.id):
        return [str(i) for i in Notification.objects.filter(kind=kind).values_list("event_id", flat=True)]


def sent_count(world: TenantWorld) -> int:
    with tenant_context(world.tenant.id):
        return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()


def caught_mail_event_ids(world: TenantWorld, catcher: MailCatcher, event_ids: set[str]) -> list[str]:
    """For each mail the SMTP server took about one of `event_ids`, that event's id (from the
    outbox row with the mail's Message-ID). A mail no row of the tenant knows counts under its
    Message-ID, so it shows as unexpected; mail about other events is left out."""
    with tenant_context(world.tenant.id):
        keys = dict(OutboundEmail.objects.values_list("message_id", "dedupe_key"))
    with catcher.lock:
        message_ids = [str(m.message["Message-ID"]) for m in catcher.mails]
    found = []
    for message_id in message_ids:
        if message_id not in keys:
            found.append(message_id)
            continue
        match = _UUID.search(keys[message_id])
        if match and match.group(0) in event_ids:
            found.append(match.group(0))
    return found


def webhook_event_ids(receiver: Receiver) -> tuple[list[str], int]:
    """One event id per distinct delivery that reached the receiver, and how many POSTs repeated a
    delivery id (a retry of the same delivery, which the documented receiver applies once)."""
    per_delivery: dict[str, str] = {}
    posts = Counter(hit.headers["x-frontline-delivery"] for hit in receiver.received)
    for hit in receiver.received:
        per_delivery[hit.headers["x-frontline-delivery"]] = hit.json["id"]
    return list(per_delivery.values()), sum(n - 1 for n in posts.values())


def run_id() -> str:
    return uuid.uuid4().hex[:8]


def _task_name(raw: bytes) -> str:
    """The task a message of kombu's Redis transport carries (its `unacked` values are
    JSON: [message, exchange, routing key])."""
    try:
        return str(json.loads(raw)[0]["headers"]["task"])
    except (ValueError, KeyError, IndexError, TypeError):
        return "?"


def broker_drained(redis_url: str, queues: list[str]) -> bool:
    """No message waits in these queues and none is taken but unacknowledged (kombu's Redis
    transport keeps those in the `unacked` hash, retries waiting for their countdown too),
    except the beat's periodic sweeps, of which a worker with beat always has one in hand:
    nothing queued twice can still happen after this."""
    periodic = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    client = redis.Redis.from_url(redis_url)
    try:
        if any(client.llen(q) for q in queues):
            return False
        held = cast(list[bytes], client.hvals("unacked"))
        return all(_task_name(raw) in periodic for raw in held)
    finally:
        client.close()


def broker_reset(redis_url: str) -> None:
    """Empty the Celery queues and kombu's unacknowledged set: a task a killed or stopped worker
    held would otherwise come back in a later test, naming a tenant id that test reuses."""
    app.control.purge()
    client = redis.Redis.from_url(redis_url)
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


def side_effects_caught_up(world: TenantWorld, receiver: Receiver | None, n_events: int) -> bool:
    """Every ticket.created event published, notified, mailed and (with a receiver) posted."""
    return (
        len(ticket_created_event_ids(world)) >= n_events
        and unpublished(world) == 0
        and len(notification_event_ids(world)) >= n_events
        and sent_count(world) >= n_events
        and (receiver is None or len(webhook_event_ids(receiver)[0]) >= n_events)
    )


def assert_side_effects_once(
    scenario: str, world: TenantWorld, catcher: MailCatcher, receiver: Receiver | None, note: str = ""
) -> set[str]:
    """Record and assert, per ticket.created event: one in-app notification, one mail on the
    SMTP server and (with a receiver) one webhook delivery. Returns the event ids."""
    events = set(ticket_created_event_ids(world))
    fault_report.assert_exactly_once(
        scenario, "notifications", produced=events, delivered=notification_event_ids(world)
    )
    fault_report.assert_exactly_once(
        scenario,
        "outbound mail",
        produced=events,
        delivered=caught_mail_event_ids(world, catcher, events),
        note=note,
    )
    if receiver is not None:
        hooks, repeated = webhook_event_ids(receiver)
        fault_report.assert_exactly_once(
            scenario, "webhooks", produced=events, delivered=hooks, redelivered=repeated
        )
    return events


def drained_and_caught_up(
    world: TenantWorld, receiver: Receiver | None, n_events: int, redis_url: str, queues: list[str]
) -> bool:
    """`side_effects_caught_up`, and nothing left in the broker that could still repeat one."""
    return side_effects_caught_up(world, receiver, n_events) and broker_drained(redis_url, queues)


def assert_inbound_once(
    scenario: str,
    world: TenantWorld,
    messages: list[EmailMessage],
    catcher: MailCatcher,
    receiver: Receiver,
    note: str = "",
) -> None:
    """One ticket per inbound mail sent (by Message-ID), then each ticket's side effects once."""
    fault_report.assert_exactly_once(
        scenario,
        "tickets",
        produced=[str(m["Message-ID"]) for m in messages],
        delivered=inbound_ticket_message_ids(world),
        note=note,
    )
    assert_side_effects_once(scenario, world, catcher, receiver)
    assert ticket_count(world) == len(messages)
