"""`scripts/serve.py`, the production entrypoint, run as real processes in production mode."""

from __future__ import annotations

import concurrent.futures
import http.client
import json
import signal
import time
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.test import Client

from testing import serve
from testing.workers import free_port


@pytest.fixture
def env(tmp_path: Path, django_db_setup: None) -> dict[str, str]:
    return serve.production_env(settings.REDIS_URL, tmp_path)


def _refusal(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one clear line, never a traceback
    assert "Traceback" not in result.stderr
    return lines[0]


def test_missing_or_weak_secret_refuses_with_one_line(env):
    del env["FRONTLINE_SECRET_KEY"]
    assert "FRONTLINE_SECRET_KEY" in _refusal(serve.run_role(env, "web"))
    env["FRONTLINE_SECRET_KEY"] = "x" * 60
    assert "too weak" in _refusal(serve.run_role(env, "worker"))


def test_secret_from_a_file(env, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(env.pop("FRONTLINE_SECRET_KEY") + "\n")
    env["FRONTLINE_SECRET_KEY_FILE"] = str(secret_file)
    result = serve.run_role(env, "check")
    assert result.returncode == 0, result.stderr
    env["FRONTLINE_SECRET_KEY_FILE"] = str(tmp_path / "missing")
    assert "cannot be read" in _refusal(serve.run_role(env, "check"))


def test_unreachable_database_or_redis_refuses(env):
    closed = free_port()
    bad_db = dict(env, DATABASE_APP_URL=f"postgres://frontline_app:x@127.0.0.1:{closed}/nowhere")
    assert "unreachable" in _refusal(serve.run_role(bad_db, "web"))
    bad_redis = dict(env, REDIS_URL=f"redis://127.0.0.1:{closed}/0")
    line = _refusal(serve.run_role(bad_redis, "beat"))
    assert "Redis" in line and "unreachable" in line
    assert "Redis" in _refusal(serve.run_role(bad_redis, "realtime"))


def test_unknown_queue_refuses(env):
    assert "unknown queue" in _refusal(serve.run_role(env, "worker", "--queues", "email,bogus"))
    plan = dict(env, FRONTLINE_WORKER_QUEUES="default:2,email:1")
    assert "without a worker" in _refusal(serve.run_role(plan, "all"))


@pytest.fixture
def empty_database(env):
    """A database with no tables beside the test database, as a fresh deployment has."""
    owner = settings.DATABASES["owner"]
    name = f"{owner['NAME']}_serve_empty"
    admin = psycopg.conninfo.make_conninfo(
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        user=owner["USER"],
        password=owner.get("PASSWORD") or None,
        dbname="postgres",
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_pending_migrations_refuse_then_migrate_applies_them_once(env, empty_database):
    fresh = dict(env)
    for key in ("DATABASE_URL", "DATABASE_APP_URL"):
        fresh[key] = fresh[key].rsplit("/", 1)[0] + f"/{empty_database}"
    assert "migrations are not applied" in _refusal(serve.run_role(fresh, "web"))

    # A second migrate while one holds the lock refuses instead of racing it.
    owner_conninfo = fresh["DATABASE_URL"]
    with psycopg.connect(owner_conninfo, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [serve_module().MIGRATE_LOCK_KEY])
        blocked = serve.run_role(fresh, "migrate")
        assert blocked.returncode == 3, blocked.stderr
        assert "another migrate is running" in blocked.stderr

    applied = serve.run_role(fresh, "migrate", timeout=180)
    assert applied.returncode == 0, applied.stderr[-2000:]
    assert "up to date" in applied.stdout
    check = serve.run_role(fresh, "check")
    assert check.returncode == 0, check.stderr


def serve_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("frontline_serve", serve.SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_roles_are_what_the_deploy_files_may_name():
    module = serve_module()
    assert set(module.SERVICE_ROLES) | {"migrate", "check", "all"} == set(module.ROLES)
    assert set(module.QUEUES) == set(settings.CELERY_QUEUES_BY_PURPOSE)


@pytest.mark.committed
def test_web_serves_readyz_and_drains_requests_on_sigterm(env, tmp_path, committed):
    port = free_port()
    proc = serve.start_role(env, "web", "--port", str(port), "--workers", "2", log=tmp_path / "web.log")
    try:
        assert serve.wait_http(f"http://127.0.0.1:{port}/readyz") == 200, (tmp_path / "web.log").read_text()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/readyz", headers={"Host": "localhost"})
        body = json.loads(conn.getresponse().read())
        assert body["status"] == "ready" and body["checks"]["migrations"]["ok"]
        # Static files were collected and are served compressed.
        conn.request(
            "GET",
            "/static/admin/css/base.css",
            headers={"Host": "localhost", "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"

        def request(_: int) -> int:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/healthz", headers={"Host": "localhost"})
            return c.getresponse().status

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            started = [pool.submit(request, i) for i in range(40)]
            time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            statuses = []
            for future in started:
                try:
                    statuses.append(future.result())
                except (ConnectionRefusedError, ConnectionResetError):
                    statuses.append("refused")  # sent after the listener closed: never accepted
        # Every request the server accepted got a whole answer; none was cut off mid-way.
        assert all(s in (200, "refused") for s in statuses), statuses
        assert statuses.count(200) >= 1
        assert proc.wait(30) == 0
    finally:
        serve.stop(proc)


@pytest.mark.committed
def test_worker_consumes_only_its_queues(env, tmp_path, committed):
    from config.celery import app
    from health.tasks import HEARTBEAT_KEY

    broker = redis.Redis.from_url(settings.REDIS_URL)
    for queue in ("reports", "email"):
        broker.delete(queue)
    proc = serve.start_role(
        env, "worker", "--queues", "reports", "--concurrency", "1", log=tmp_path / "w.log"
    )
    try:
        app.send_task("health.tasks.heartbeat", queue="email")
        app.send_task("health.tasks.heartbeat", queue="reports")
        deadline = time.monotonic() + 40
        from django.core.cache import cache

        while time.monotonic() < deadline and cache.get(HEARTBEAT_KEY) is None:
            time.sleep(0.2)
        assert cache.get(HEARTBEAT_KEY) is not None, (tmp_path / "w.log").read_text()
        assert broker.llen("email") == 1  # not this worker's queue: still waiting
        assert serve.stop(proc) == 0  # SIGTERM: warm shutdown
    finally:
        serve.stop(proc)
        broker.delete("email", "reports")


def test_realtime_processes_each_deliver_every_event(env, tmp_path):
    import asyncio

    from realtime.tests import support

    port = free_port()
    env = dict(env, FRONTLINE_REALTIME_SECRET=support.SECRET)
    proc = serve.start_role(env, "realtime", "--port", str(port), "--workers", "2", log=tmp_path / "rt.log")
    try:
        assert serve.wait_http(f"http://127.0.0.1:{port}/healthz") == 200
        tenant = support.new_tenant_id()
        client = redis.Redis.from_url(settings.REDIS_URL)

        async def scenario() -> list[set[str]]:
            url = support.ws_url(f"ws://127.0.0.1:{port}/ws", support.token(tenant, 1))
            sockets = [await support.open_socket(url) for _ in range(8)]
            published = {support.publish(client, tenant, number=i) for i in range(5)}
            received = []
            for ws in sockets:
                messages = await support.receive(ws, timeout=2.0, types=("ticket.updated",))
                received.append({m["id"] for m in messages})
            for ws in sockets:
                await ws.close()
            return [published, *received]

        published, *received = asyncio.run(scenario())
        assert all(got == published for got in received), (published, received)
        children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        assert len(children) == 2
        assert serve.stop(proc) == 0
    finally:
        serve.stop(proc)
        client.delete(support.stream_key(tenant))


@pytest.mark.django_db
def test_readyz_reports_pending_migrations():
    from django.db import connection

    from health import views

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'tickets'")
    views._migrations_known_applied = False
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["pending_count"] >= 1
