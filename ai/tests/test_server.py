"""The Procfile's command really serves the app over HTTP, token required."""

from __future__ import annotations

from pathlib import Path

import httpx

from ai.tests.server import running_ai_server


def test_uvicorn_serves_the_app(tmp_path: Path) -> None:
    with running_ai_server("real-server-token", tmp_path) as base:
        body = {"subject": "Refund", "body": "Please refund my order"}
        assert httpx.post(f"{base}/v1/tenants/1/classify", json=body).status_code == 401
        # The first classify loads the language detector: seconds on a busy machine.
        ok = httpx.post(
            f"{base}/v1/tenants/1/classify",
            json=body,
            headers={"Authorization": "Bearer real-server-token"},
            timeout=60,
        )
        assert ok.status_code == 200
        assert ok.json()["category"]["enabled"] is False
