"""The Procfile's command really serves the app over HTTP, token required."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ai.config import REPO_DIR


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_uvicorn_serves_the_app(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "FRONTLINE_AI_TOKEN": "real-server-token", "FRONTLINE_AI_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ai.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(
                        server.stderr.read().decode() if server.stderr else "no output"
                    ) from None
                time.sleep(0.2)
        assert health.status_code == 200
        body = {"subject": "Refund", "body": "Please refund my order"}
        assert httpx.post(f"{base}/v1/tenants/1/classify", json=body).status_code == 401
        ok = httpx.post(
            f"{base}/v1/tenants/1/classify", json=body, headers={"Authorization": "Bearer real-server-token"}
        )
        assert ok.status_code == 200
        assert ok.json()["category"]["enabled"] is False
    finally:
        server.terminate()
        server.wait(timeout=10)
