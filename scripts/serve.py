"""Frontline's production entrypoint: one command whose first argument picks the role.

    python scripts/serve.py migrate                  apply migrations (one at a time), then exit
    python scripts/serve.py web [--port --workers]   gunicorn on config.wsgi
    python scripts/serve.py realtime [--workers]     WebSocket gateways (stateless over Redis)
    python scripts/serve.py ai [--workers]           the AI service on uvicorn
    python scripts/serve.py worker --queues email    Celery worker for some queues
    python scripts/serve.py beat                     the one Celery beat
    python scripts/serve.py smtp                     the inbound SMTP receiver
    python scripts/serve.py check                    the start-up checks alone
    python scripts/serve.py all                      every role in one supervised group (`make serve`)

The container image's ENTRYPOINT, the systemd units and `make serve` all run this file, so the
process set is defined once. Configuration comes from the environment (docs/operations/
environment.md); secrets may come from files (`FRONTLINE_SECRET_KEY_FILE`, ...).

Before a role starts it checks what it needs (secret key, database, Redis, applied
migrations) and, if something is wrong, prints one line and exits with status 2. Then it
replaces itself with the server process (exec), so SIGTERM from the supervisor reaches
gunicorn, Celery or uvicorn directly: gunicorn drains requests, Celery finishes running tasks
(acks are late, so a killed task is redelivered), gateways tell sockets to reconnect.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
PYTHON = sys.executable

ROLES = ("web", "realtime", "ai", "worker", "beat", "smtp", "migrate", "check", "all")
# The roles `all` runs (besides the one-shot migrate before them).
SERVICE_ROLES = ("web", "realtime", "ai", "worker", "beat", "smtp")
QUEUES = ("default", "email", "webhooks", "ai", "reports")
# Celery worker processes per queue under `all` (FRONTLINE_WORKER_QUEUES overrides):
# the relay and SLA timers on default get the most; exports and retrains run one at a time.
DEFAULT_QUEUE_PLAN = "default:2,email:1,webhooks:1,ai:1,reports:1"
EXIT_REFUSED = 2
EXIT_MIGRATION_RUNNING = 3
MIGRATE_LOCK_KEY = 0x46524F4E544C  # "FRONTL": one advisory lock id for every migrate


class Refused(Exception):
    """The role cannot start; the message is the one line the operator sees."""


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise Refused(f"{name}={raw!r} is not a whole number") from exc
    if value < 1:
        raise Refused(f"{name} must be at least 1, not {value}")
    return value


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("FRONTLINE_ENV", "production")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CORE), str(ROOT), env.get("PYTHONPATH", "")]))
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return env


# -- checks -------------------------------------------------------------------------


def _django() -> None:
    """Load the settings (which refuse a missing or weak secret) and the apps."""
    for path in (str(CORE), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("FRONTLINE_ENV", "production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django

        django.setup()
    except Exception as exc:  # settings raise RuntimeError/ConfigError/ImproperlyConfigured
        raise Refused(f"configuration: {exc}") from exc


def django_checks(*, migrations: bool, alias: str = "default", wait: float = 0.0) -> None:
    _django()
    from config import preflight

    checks: list[Callable[[], None]] = [
        lambda: preflight.check_database(alias),
        preflight.check_broker_and_cache,
    ]
    if migrations:
        checks.append(preflight.check_migrations_applied)
    try:
        preflight.run_checks(checks, wait_seconds=wait)
    except preflight.PreflightError as exc:
        raise Refused(str(exc)) from exc


def realtime_checks(wait: float) -> None:
    sys.path.insert(0, str(ROOT))
    import time

    import redis

    from realtime.config import Settings

    try:
        settings = Settings.from_env()
    except Exception as exc:
        raise Refused(f"configuration: {exc}") from exc
    deadline = time.monotonic() + wait
    while True:
        try:
            redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
            return
        except redis.RedisError as exc:
            if time.monotonic() >= deadline:
                raise Refused(f"Redis for the gateway is unreachable: {exc}") from exc
            time.sleep(1.0)


def ai_checks() -> None:
    sys.path.insert(0, str(ROOT))
    from ai.config import get_settings

    try:
        get_settings()
    except Exception as exc:
        raise Refused(f"configuration: {exc}") from exc


# -- roles ----------------------------------------------------------------------------


def web_command(args: argparse.Namespace) -> list[str]:
    # One process per core, one thread each: a request's Python work is CPU-bound, so more
    # processes than cores (or two threads sharing one interpreter lock) only queue. Measured
    # through nginx at 1M tickets on 2 cores (docs/operations/sizing.md): create p99 36-41 ms
    # with 2 x 1, 71-75 ms with 4 x 1, 93-99 ms with 2 x 2, at the same req/s or lower.
    # Raise either for a web node whose requests mostly wait on I/O.
    workers = args.workers or _int_env("FRONTLINE_WEB_WORKERS", cores())
    threads = args.threads or _int_env("FRONTLINE_WEB_THREADS", 1)
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--chdir",
        str(CORE),
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        # SIGTERM: stop accepting, let running requests finish for this long, then stop.
        "--graceful-timeout",
        str(_int_env("FRONTLINE_WEB_GRACEFUL_TIMEOUT", 25)),
        "--timeout",
        str(_int_env("FRONTLINE_WEB_TIMEOUT", 60)),
        "--keep-alive",
        "5",
        # Recycle workers now and then, so a slow leak never grows without bound.
        "--max-requests",
        str(_int_env("FRONTLINE_WEB_MAX_REQUESTS", 20000)),
        "--max-requests-jitter",
        "2000",
        # gunicorn 27's control socket would be written under $HOME, which a read-only image lacks.
        "--no-control-socket",
        "--forwarded-allow-ips",
        os.environ.get("FRONTLINE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "--access-logfile",
        "-" if os.environ.get("FRONTLINE_ACCESS_LOG", "0") == "1" else "/dev/null",
        "--log-level",
        os.environ.get("FRONTLINE_LOG_LEVEL", "info").lower(),
    ]


def realtime_command(args: argparse.Namespace) -> list[str]:
    workers = args.workers or _int_env("FRONTLINE_REALTIME_WORKERS", cores())
    return [
        PYTHON,
        "-m",
        "realtime",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(workers),
    ]


def ai_command(args: argparse.Namespace) -> list[str]:
    workers = args.workers or _int_env("FRONTLINE_AI_WORKERS", 1)
    return [
        PYTHON,
        "-m",
        "uvicorn",
        "ai.main:app",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "10",
    ]


def worker_command(args: argparse.Namespace) -> list[str]:
    queues = [q.strip() for q in (args.queues or "default").split(",") if q.strip()]
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown:
        raise Refused(f"unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    concurrency = args.concurrency or _int_env("FRONTLINE_WORKER_CONCURRENCY", cores())
    name = "+".join(queues)
    return [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--queues",
        # The broker's names, as settings derive them (config/broker.py queue_name).
        ",".join(os.environ.get("FRONTLINE_CELERY_QUEUE_PREFIX", "") + queue for queue in queues),
        "--concurrency",
        str(concurrency),
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        os.environ.get("FRONTLINE_LOG_LEVEL", "info").upper(),
    ]


def beat_command(args: argparse.Namespace) -> list[str]:
    data = Path(os.environ.get("FRONTLINE_DATA_DIR", ROOT / ".data"))
    return [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "--schedule",
        str(data / "celerybeat-schedule"),
        "--loglevel",
        os.environ.get("FRONTLINE_LOG_LEVEL", "info").upper(),
    ]


def smtp_command(args: argparse.Namespace) -> list[str]:
    return [PYTHON, str(CORE / "manage.py"), "smtp_receiver", "--host", args.host, "--port", str(args.port)]


DEFAULT_PORTS = {
    "web": ("FRONTLINE_WEB_PORT", 8000),
    "ai": ("FRONTLINE_AI_PORT", 8001),
    "realtime": ("FRONTLINE_REALTIME_PORT", 8002),
    "smtp": ("FRONTLINE_SMTP_PORT", 2525),
}
COMMANDS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "web": web_command,
    "realtime": realtime_command,
    "ai": ai_command,
    "worker": worker_command,
    "beat": beat_command,
    "smtp": smtp_command,
}


def collect_static() -> None:
    """Gather admin and portal assets into STATIC_ROOT once, compressed, for whitenoise."""
    if os.environ.get("FRONTLINE_COLLECTSTATIC", "1") == "0":  # the image collected at build time
        return
    _django()
    from django.conf import settings
    from django.core.management import call_command

    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except OSError as exc:
        raise Refused(
            f"cannot collect static files into {settings.STATIC_ROOT} ({exc.strerror}); set "
            "FRONTLINE_STATIC_ROOT to a writable folder, or FRONTLINE_COLLECTSTATIC=0 if they are collected"
        ) from exc


def migrate(wait: float) -> int:
    """Apply migrations as the owner, holding an advisory lock so two migrates never overlap.

    The lock lives on a direct owner connection (session-level), never through a pooler in
    transaction mode, which would drop it between statements.
    """
    django_checks(migrations=False, alias="owner", wait=wait)
    import psycopg
    from django.core.management import call_command

    from config import preflight

    with psycopg.connect(preflight._conninfo("owner"), autocommit=True) as lock_conn:
        row = lock_conn.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY]).fetchone()
        if not row or not row[0]:
            print("serve.py migrate: another migrate is running; not starting a second one", file=sys.stderr)
            return EXIT_MIGRATION_RUNNING
        pending = preflight.pending_migrations()
        print(f"serve.py migrate: {len(pending)} migrations to apply", flush=True)
        call_command("migrate", database="owner", interactive=False, verbosity=1 if pending else 0)
        lock_conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
    print("serve.py migrate: the database is up to date", flush=True)
    return 0


def preflight_for(role: str, wait: float) -> None:
    if role in {"web", "worker", "beat", "smtp"}:
        django_checks(migrations=True, wait=wait)
    elif role == "realtime":
        realtime_checks(wait)
    elif role == "ai":
        ai_checks()


def exec_role(role: str, args: argparse.Namespace) -> int:
    if not args.skip_checks:
        preflight_for(role, args.wait)
        if role == "web":
            collect_static()
    command = COMMANDS[role](args)
    cwd = CORE if role in {"worker", "beat"} else ROOT
    os.chdir(cwd)
    sys.stdout.flush()
    os.execve(command[0], command, base_env())  # noqa: S606 - our own fixed command  # nosec B606
    return 0  # not reached


def run_all(args: argparse.Namespace) -> int:
    """Every service role under one supervisor (honcho): one dies, all stop; SIGTERM drains all."""
    import honcho.manager
    from honcho.printer import Printer

    django_checks(migrations=True, wait=args.wait)
    realtime_checks(args.wait)
    ai_checks()
    collect_static()
    # honcho kills what has not stopped after KILL_WAIT seconds; give gunicorn and Celery the
    # time their own graceful shutdown takes.
    honcho.manager.KILL_WAIT = _int_env("FRONTLINE_STOP_GRACE_SECONDS", 30)
    manager = honcho.manager.Manager(Printer(sys.stdout))
    env = base_env()
    me = [PYTHON, str(Path(__file__).resolve())]
    for role in ("web", "realtime", "ai", "beat", "smtp"):
        manager.add_process(role, _shell([*me, role, "--skip-checks"]), env=env, cwd=str(ROOT))
    plan = os.environ.get("FRONTLINE_WORKER_QUEUES", DEFAULT_QUEUE_PLAN)
    for queue, concurrency in _queue_plan(plan):
        command = [*me, "worker", "--queues", queue, "--concurrency", str(concurrency), "--skip-checks"]
        manager.add_process(f"worker-{queue}", _shell(command), env=env, cwd=str(ROOT))
    manager.loop()
    return int(manager.returncode or 0)


def _queue_plan(plan: str) -> list[tuple[str, int]]:
    result = []
    for item in filter(None, (part.strip() for part in plan.split(","))):
        queue, _, count = item.partition(":")
        if queue not in QUEUES:
            raise Refused(
                f"FRONTLINE_WORKER_QUEUES names unknown queue {queue!r}; the queues are {', '.join(QUEUES)}"
            )
        if not count.isdigit() or int(count) < 1:
            raise Refused(f"FRONTLINE_WORKER_QUEUES: {item!r} needs a process count, like {queue}:2")
        result.append((queue, int(count)))
    missing = sorted(set(QUEUES) - {queue for queue, _ in result})
    if missing:
        raise Refused(f"FRONTLINE_WORKER_QUEUES leaves queue(s) {', '.join(missing)} without a worker")
    return result


def _shell(argv: list[str]) -> str:
    import shlex

    return "exec " + shlex.join(argv)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="serve.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("role", choices=ROLES)
    parser.add_argument("--host", default=os.environ.get("FRONTLINE_BIND", "127.0.0.1"))
    parser.add_argument("--port", type=int, help="listening port (web, realtime, ai, smtp)")
    parser.add_argument("--workers", type=int, help="processes (web, realtime, ai)")
    parser.add_argument("--threads", type=int, help="threads per web process")
    parser.add_argument("--queues", help=f"worker: comma-separated, of {', '.join(QUEUES)}")
    parser.add_argument("--concurrency", type=int, help="worker: pool processes")
    parser.add_argument(
        "--wait",
        type=float,
        default=float(os.environ.get("FRONTLINE_START_WAIT", "0")),
        help="seconds to keep retrying an unreachable database or Redis before refusing",
    )
    parser.add_argument("--skip-checks", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.port is None and args.role in DEFAULT_PORTS:
        name, default = DEFAULT_PORTS[args.role]
        args.port = _int_env(name, default)
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        if args.role == "migrate":
            return migrate(args.wait)
        if args.role == "check":
            django_checks(migrations=True, wait=args.wait)
            realtime_checks(args.wait)
            ai_checks()
            print("serve.py check: configuration, database, Redis and migrations are ready")
            return 0
        if args.role == "all":
            return run_all(args)
        return exec_role(args.role, args)
    except Refused as exc:
        print(f"serve.py {args.role}: refusing to start: {exc}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
