"""GET /healthz: 200 when PostgreSQL and Redis answer, 503 when either does not."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import connections
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
