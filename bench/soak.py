"""Soak: the whole process set of `make serve` under mixed traffic for a long time; is it stable?

    .venv/bin/python bench/soak.py                  # 30 minutes
    .venv/bin/python bench/soak.py --minutes 5      # a short run

Starts `scripts/serve.py all` (gunicorn, the realtime gateway, the AI service, a Celery worker
per queue, beat, the SMTP receiver; as `make serve` does) on free ports against a database of
its own (`frontline_soak`, or $FRONTLINE_SOAK_DB, beside DATABASE_URL's; seeded once by
`bench/api_load.py`'s seeder, 20 tenants and 10,000 tickets by default) and REDIS_URL. Then,
for `--minutes`, at a steady pace:
  - API traffic as an agent of the largest tenant: ticket list, detail, create, reply;
  - inbound email: a customer's mail over SMTP every few seconds, each with a unique subject,
    and at the end every one of them must have become a ticket (else it counts as an error);
  - WebSocket clients on the realtime gateway (topic `inbox`), pinging as the portal does;
    an unexpected close is an error (the client reconnects with `last_id`, no gap).
Every minute (`--window`) it records the error count and the API's p50/p99, and samples the
resident memory (RSS) of each role's processes every few seconds. It prints a table per window
and the verdict against the goals: 0 errors, p99 drift (last window / first) <= 20%,
RSS growth per role (last window / first window) <= 10%. The first window is the baseline,
so start-up and cache warm-up count in it, not as growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import psutil
import psycopg
import websockets
from api_load import (
    ROOT,
    Client,
    bench_database,
    django_env,
    ensure_database,
    free_port,
    largest_tenant_targets,
    manage,
    remove_writes,
    seed,
    write_marks,
)

DEFAULT_DATABASE = os.environ.get("FRONTLINE_SOAK_DB", "frontline_soak")
MAIL_DOMAIN = "mail.localhost"
GOAL_P99_DRIFT = 1.20
GOAL_RSS_GROWTH = 1.10
PING_SECONDS = 20


@dataclass
class Window:
    """What happened in one window of the run."""

    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    emails: int = 0
    socket_messages: int = 0
    rss: dict[str, list[int]] = field(default_factory=dict)  # role -> samples (bytes)
    lock_wait: float = 0.0  # the longest a query of the stack waited on a lock (seconds)
    longest_transaction: float = 0.0  # the oldest open transaction seen (seconds)


class Recorder:
    """Thread-safe: each event lands in the window of the moment it happened."""

    def __init__(self, started: float, window_seconds: float) -> None:
        self.started, self.window_seconds = started, window_seconds
        self.windows: dict[int, Window] = {}
        self.error_samples: list[str] = []
        self.lock = threading.Lock()

    def _window(self) -> Window:
        index = int((time.monotonic() - self.started) // self.window_seconds)
        return self.windows.setdefault(index, Window())

    def request(self, seconds: float, ok: bool, what: str) -> None:
        with self.lock:
            window = self._window()
            window.requests += 1
            window.latencies.append(seconds)
            if not ok:
                self._error(window, what)

    def error(self, what: str) -> None:
        with self.lock:
            self._error(self._window(), what)

    def _error(self, window: Window, what: str) -> None:
        window.errors += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(what)

    def count(self, attribute: str, n: int = 1) -> None:
        with self.lock:
            window = self._window()
            setattr(window, attribute, getattr(window, attribute) + n)

    def database(self, lock_wait: float, transaction: float) -> None:
        with self.lock:
            window = self._window()
            window.lock_wait = max(window.lock_wait, lock_wait)
            window.longest_transaction = max(window.longest_transaction, transaction)

    def rss(self, by_role: dict[str, int]) -> None:
        with self.lock:
            window = self._window()
            for role, size in by_role.items():
                window.rss.setdefault(role, []).append(size)


# -- the stack ---------------------------------------------------------------------------


def start_stack(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - the child holds it
    command = [sys.executable, str(ROOT / "scripts" / "serve.py"), "all"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)


def wait_ready(client: Client, stack: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(f"serve.py all exited ({stack.returncode}); see {log}")
        try:
            if client.request("GET", "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the stack was not ready after {timeout} s; see {log}")


def role_of(process: psutil.Process) -> str:
    """The role a process serves, from its arguments (honcho's children exec the roles)."""
    argv = process.cmdline()
    module = argv[argv.index("-m") + 1] if "-m" in argv[:-1] else ""
    if module == "celery":
        if "beat" in argv:
            return "beat"
        queues = argv[argv.index("--queues") + 1] if "--queues" in argv[:-1] else "?"
        return f"worker {queues.split('-', 1)[-1]}"
    if module == "uvicorn" and any(arg.startswith("ai.") for arg in argv):
        return "ai"
    if module in ("gunicorn", "realtime"):
        return {"gunicorn": "web", "realtime": "realtime"}[module]
    if "smtp_receiver" in argv:
        return "smtp"
    return "supervisor (honcho)"


def rss_by_role(stack_pid: int) -> tuple[dict[str, int], dict[str, int]]:
    """(role -> RSS bytes summed over its processes, role -> process count) of the stack's tree."""
    sizes: dict[str, int] = {}
    counts: dict[str, int] = {}
    try:
        root = psutil.Process(stack_pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return sizes, counts
    for process in processes:
        try:
            role, rss = role_of(process), process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        sizes[role] = sizes.get(role, 0) + rss
        counts[role] = counts.get(role, 0) + 1
    return sizes, counts


# -- the traffic -------------------------------------------------------------------------


def api_traffic(client: Client, ids: list[int], requester: int, rec: Recorder, stop: threading.Event,
                pace: float, seed_value: int) -> None:  # fmt: skip
    """One client thread: a request every `pace` seconds, 40% list, 30% detail, 15% create, 15% reply."""
    rng = random.Random(seed_value)
    n = 0
    while not stop.is_set():
        n += 1
        pick = rng.random()
        if pick < 0.40:
            method, path, body = "GET", "/api/v1/tickets", None
        elif pick < 0.70:
            method, path, body = "GET", f"/api/v1/tickets/{rng.choice(ids)}", None
        elif pick < 0.85:
            body = {
                "subject": f"Soak {seed_value}-{n}",
                "body_text": "It broke again.",
                "requester_id": requester,
            }
            method, path = "POST", "/api/v1/tickets"
        else:
            method, path, body = (
                "POST",
                f"/api/v1/tickets/{rng.choice(ids)}/messages",
                {"body_text": "On it."},
            )
        started = time.perf_counter()
        try:
            status, payload = client.request(method, path, body)
            ok, what = status < 400, f"{method} {path}: {status} {payload[:100]!r}"
        except OSError as exc:
            ok, what = False, f"{method} {path}: {exc}"
        rec.request(time.perf_counter() - started, ok, what)
        stop.wait(max(0.0, pace - (time.perf_counter() - started)))


def email_traffic(port: int, rec: Recorder, stop: threading.Event, every: float, sent: list[str]) -> None:
    """A customer's mail to the largest tenant every `every` seconds, over SMTP. The receiver
    answers 250 only once the mail is stored, so a mail that then has no ticket was refused
    (quarantined: the end report counts it as an error)."""
    n = 0
    while not stop.wait(every):
        n += 1
        subject = f"Soak mail {os.getpid()}-{n}"
        message = EmailMessage()
        # 200 customers in turn: one sender's mail is capped per hour (a quarantine, by design).
        message["From"] = f"customer{n % 200}@customer.example"
        message["To"], message["Subject"] = f"support@t1.{MAIL_DOMAIN}", subject
        message.set_content("Hello, the export does not finish.")
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
                smtp.send_message(message)
            sent.append(subject)
            rec.count("emails")
        except (OSError, smtplib.SMTPException) as exc:
            rec.error(f"SMTP: {exc}")


async def socket_client(client: Client, port: int, rec: Recorder, stop: threading.Event) -> None:
    """One portal-like socket: topic inbox, a ping every 20 s, reconnect with last_id on a close."""
    last_id: str | None = None
    while not stop.is_set():
        status, payload = await asyncio.to_thread(client.request, "POST", "/api/v1/realtime/token", {})
        if status != 200:
            rec.error(f"realtime token: {status} {payload[:100]!r}")
            await asyncio.sleep(1)
            continue
        issued = json.loads(payload)
        url = f"ws://127.0.0.1:{port}/ws?token={issued['token']}&topics=inbox"
        if last_id:
            url += f"&last_id={last_id}"
        try:
            origin = issued["origins"][0] if issued["origins"] else None
            async with websockets.connect(url, origin=origin, open_timeout=30) as socket:
                next_ping = time.monotonic() + PING_SECONDS
                while not stop.is_set():
                    try:
                        text = await asyncio.wait_for(socket.recv(), timeout=1)
                    except TimeoutError:
                        text = None
                    if text is not None:
                        rec.count("socket_messages")
                        message = json.loads(text)
                        last_id = message.get("id", last_id)
                    if time.monotonic() >= next_ping:
                        await socket.send(json.dumps({"op": "ping"}))
                        next_ping = time.monotonic() + PING_SECONDS
        except (OSError, websockets.WebSocketException) as exc:
            if not stop.is_set():
                rec.error(f"socket closed: {exc}")
                await asyncio.sleep(1)


def socket_traffic(client: Client, port: int, sockets: int, rec: Recorder, stop: threading.Event) -> None:
    async def run() -> None:
        await asyncio.gather(*(socket_client(client, port, rec, stop) for _ in range(sockets)))

    asyncio.run(run())


# What the stack's database sessions are doing: the longest lock wait and the oldest open
# transaction (a long one holding row locks is what makes requests queue behind it).
DATABASE_SAMPLE = """
    SELECT coalesce(max(extract(epoch FROM now() - query_start)) FILTER (WHERE wait_event_type = 'Lock'), 0),
           coalesce(max(extract(epoch FROM now() - xact_start)) FILTER (WHERE xact_start IS NOT NULL), 0)
    FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def sample(
    stack_pid: int, bench_url: str, rec: Recorder, stop: threading.Event, counts: dict[str, int]
) -> None:
    """Every 5 s: RSS per role, and the database's lock waits and oldest transaction."""
    with psycopg.connect(bench_url, autocommit=True) as conn:
        while not stop.wait(5):
            sizes, now = rss_by_role(stack_pid)
            rec.rss(sizes)
            counts.update(now)
            row = conn.execute(DATABASE_SAMPLE).fetchone()
            if row is not None:
                rec.database(float(row[0]), float(row[1]))


def emails_without_a_ticket(bench_url: str, subjects: list[str]) -> list[str]:
    with psycopg.connect(bench_url) as conn:
        found = {
            r[0]
            for r in conn.execute("SELECT subject FROM tickets_ticket WHERE subject = ANY(%s)", [subjects])
        }
    return [s for s in subjects if s not in found]


# -- the report --------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0


def report(
    rec: Recorder,
    windows: int,
    counts: dict[str, int],
    args: argparse.Namespace,
    load: tuple,
    lost_mails: int,
) -> int:
    rows = [rec.windows.get(i, Window()) for i in range(windows)]
    print(
        f"\nsoak: {args.minutes} min of `serve.py all`; {args.api_clients} API clients at one request per "
        f"{args.pace} s each, a mail every {args.mail_every} s, {args.sockets} sockets; load average "
        f"{load[0]:.1f} at the start, {load[1]:.1f} at the end (a shared machine: figures are noisy)\n"
    )
    print(
        f"{'window':>6} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7} {'mails':>5} "
        f"{'socket msgs':>11} {'lock wait s':>11} {'oldest xact s':>13}"
    )
    for i, w in enumerate(rows):
        p50 = statistics.median(w.latencies) * 1000 if w.latencies else 0.0
        print(
            f"{i + 1:>6} {w.requests:>8} {w.errors:>6} {p50:>7.1f} {p99(w.latencies):>7.1f} "
            f"{w.emails:>5} {w.socket_messages:>11} {w.lock_wait:>11.1f} {w.longest_transaction:>13.1f}"
        )
    requests = sum(w.requests for w in rows)
    errors = sum(w.errors for w in rows) + lost_mails
    drift = p99(rows[-1].latencies) / max(1e-9, p99(rows[0].latencies))
    print("\nRSS per role (MiB, median of the window's samples; processes)")
    print(f"{'role':<22} {'procs':>5} {'first':>8} {'last':>8} {'growth':>7}")
    worst = 0.0
    for role in sorted(set(rows[0].rss) | set(rows[-1].rss)):
        first = statistics.median(rows[0].rss.get(role, [0])) / 2**20
        last = statistics.median(rows[-1].rss.get(role, [0])) / 2**20
        growth = last / first if first else float("inf")
        worst = max(worst, growth)
        print(f"{role:<22} {counts.get(role, 0):>5} {first:>8.1f} {last:>8.1f} {(growth - 1) * 100:>6.1f}%")
    verdicts = [
        ("errors", f"{errors} of {requests} requests (+ mails, sockets)", errors == 0),
        ("p99 drift", f"{drift:.2f}x (goal <= {GOAL_P99_DRIFT:.2f}x)", drift <= GOAL_P99_DRIFT),
        ("RSS growth", f"worst role {(worst - 1) * 100:.1f}% (goal <= 10%)", worst <= GOAL_RSS_GROWTH),
    ]
    print()
    for name, text, ok in verdicts:
        print(f"{name:<11} {text:<48} {'ok' if ok else 'MISSED'}")
    for sample in rec.error_samples:
        print(f"  error: {sample}")
    return 0 if all(ok for *_, ok in verdicts) else 1


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--window", type=float, default=60, help="seconds per window (default 60)")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--api-clients", type=int, default=4)
    parser.add_argument("--pace", type=float, default=0.25, help="seconds between one client's requests")
    parser.add_argument("--mail-every", type=float, default=3.0, help="seconds between inbound mails")
    parser.add_argument("--sockets", type=int, default=20)
    args = parser.parse_args()
    owner_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not owner_url or not redis_url:
        raise SystemExit("Set DATABASE_URL (owner) and REDIS_URL, e.g. under scripts/devstack.py exec --")
    admin_url, bench_url = bench_database(owner_url, args.database)
    ensure_database(admin_url, args.database, fresh=False)
    env = django_env(bench_url)
    manage(env, "migrate", "--database", "owner", "--no-input", "-v", "0")
    seed(bench_url, args.tenants, args.tickets)
    token = manage(env, "create_api_token", "--tenant", "t1", "--email", "agent@t1.bench", "--name", "soak")
    with psycopg.connect(bench_url) as conn:
        ids, requester = largest_tenant_targets(conn)
    if requester is None:
        raise SystemExit("the seed made no customer in t1")

    ports = {role: free_port() for role in ("WEB", "REALTIME", "AI", "SMTP")}
    work = Path(tempfile.mkdtemp(prefix="frontline-soak-"))
    env.update({f"FRONTLINE_{role}_PORT": str(port) for role, port in ports.items()})
    env.update(
        FRONTLINE_AI_TOKEN="soak-ai-token",  # nosec B105 - a bench-only value
        FRONTLINE_MAIL_DOMAIN=MAIL_DOMAIN,
        FRONTLINE_MAIL_DIR=str(work / "outbound-mail"),  # notifications and replies land as files
        FRONTLINE_DATA_DIR=str(work / "data"),
        FRONTLINE_STATIC_ROOT=str(work / "static"),
        FRONTLINE_WEB_WORKERS="2",
        FRONTLINE_REALTIME_WORKERS="1",
        FRONTLINE_WORKER_QUEUES="default:1,email:1,webhooks:1,ai:1,reports:1",
        FRONTLINE_CACHE_PREFIX="frontline-soak",
        FRONTLINE_CELERY_QUEUE_PREFIX="soak-",
    )
    log = work / "stack.log"
    marks = write_marks(bench_url)
    stack = start_stack(env, log)
    stop = threading.Event()
    sent: list[str] = []
    counts: dict[str, int] = {}
    status = 1
    try:
        client = Client(ports["WEB"], "t1.localhost", token)
        wait_ready(client, stack, log)
        for _ in range(30):  # warm each worker's pool before the clock starts
            client.request("GET", "/api/v1/tickets")
        load_start = os.getloadavg()[0]
        rec = Recorder(time.monotonic(), args.window)
        threads = [
            threading.Thread(target=api_traffic, args=(client, ids, requester, rec, stop, args.pace, i))
            for i in range(args.api_clients)
        ]
        threads.append(
            threading.Thread(target=email_traffic, args=(ports["SMTP"], rec, stop, args.mail_every, sent))
        )
        threads.append(
            threading.Thread(target=socket_traffic, args=(client, ports["REALTIME"], args.sockets, rec, stop))
        )
        threads.append(threading.Thread(target=sample, args=(stack.pid, bench_url, rec, stop, counts)))
        for thread in threads:
            thread.start()
        windows = max(1, round(args.minutes * 60 / args.window))
        stop.wait(windows * args.window)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # Every mail must have become a ticket (the worker may still be on the last ones).
        deadline = time.monotonic() + 60
        while (missing := emails_without_a_ticket(bench_url, sent)) and time.monotonic() < deadline:
            time.sleep(2)
        rec.error_samples += [f"mail without a ticket: {subject}" for subject in missing[:5]]
        status = report(rec, windows, counts, args, (load_start, os.getloadavg()[0]), len(missing))
        print(f"\n{len(sent)} mails sent, {len(sent) - len(missing)} became tickets; stack log: {log}")
    finally:
        stop.set()
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGTERM)
            try:
                stack.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)
        remove_writes(bench_url, marks)
    return status


if __name__ == "__main__":
    sys.exit(main())
