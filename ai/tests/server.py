"""Start the real AI service (uvicorn, the Procfile's command) for a test; stop it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from contracts.env import REPO_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_ai_server(token: str, data_dir: Path, port: int | None = None) -> Iterator[str]:
    """Yield the base URL of a uvicorn process serving `ai.main:app`."""
    port = port or free_port()
    env = {**os.environ, "FRONTLINE_AI_TOKEN": token, "FRONTLINE_AI_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ai.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # cold imports of scikit-learn/scipy are slow on a busy machine
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "ai server exited")
            if time.monotonic() > deadline:
                raise RuntimeError("ai server did not start within 120 s")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
