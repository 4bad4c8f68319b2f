"""Probes.

GET /healthz (liveness and the operator's dashboard): 200 when PostgreSQL and Redis answer,
503 when either does not. GET /readyz (the load balancer's "send me traffic"): also 503 while
migrations are pending, so a web process started before `serve.py migrate` finished, or one
running older code than the schema, gets no requests.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from health.tasks import HEARTBEAT_KEY


def _check_postgres() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is "down"; the reason is reported
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_redis() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        client = cache._cache.get_client()  # type: ignore[attr-defined]  # Django's RedisCache
        client.ping()
        heartbeat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    result: dict[str, Any] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}
    # Beat schedules a heartbeat every 15 s; an age well above that means no worker runs.
    result["worker_heartbeat_age_s"] = None if heartbeat is None else round(time.time() - float(heartbeat), 1)
    return result


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"postgres": _check_postgres(), "redis": _check_redis()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503
    )


_migrations_known_applied = False


def _check_migrations() -> dict[str, Any]:
    """Pending migrations on the app's connection. Once none are pending this process stops asking:
    loading the migration graph costs tens of milliseconds and code does not change under it."""
    global _migrations_known_applied
    if _migrations_known_applied:
        return {"ok": True}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if plan:
        pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        return {"ok": False, "pending": pending[:20], "pending_count": len(pending)}
    _migrations_known_applied = True
    return {"ok": True}


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"postgres": _check_postgres(), "redis": _check_redis()}
    if checks["postgres"]["ok"]:
        checks["migrations"] = _check_migrations()
    else:
        checks["migrations"] = {"ok": False, "error": "database unreachable"}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
    )
