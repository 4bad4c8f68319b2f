"""GET /healthz reports PostgreSQL and Redis, and answers 503 when one is down."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["postgres"]["ok"] and body["checks"]["redis"]["ok"]


def test_redis_down_gives_503(client):
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_postgres_down_gives_503(client, settings):
    from django.db import connections

    wrapper = connections["default"]
    original = dict(wrapper.settings_dict)
    wrapper.settings_dict.update({"PORT": "1", "OPTIONS": {}})
    wrapper.close()
    try:
        # A fresh connection to a port where nothing listens.
        from django.db import connections as conns

        conns["default"].connection = None
        response = client.get("/healthz")
    finally:
        wrapper.settings_dict.clear()
        wrapper.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["checks"]["postgres"]["ok"] is False
