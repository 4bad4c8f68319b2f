"""Outgoing mail never waits forever on a relay that accepts and then stays silent."""

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.mail import get_connection
from django.test import override_settings

CORE = Path(__file__).resolve().parents[2]


def test_production_settings_give_smtp_a_finite_timeout():
    # Settings only: nothing is contacted, so the URLs need not lead anywhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_")}
    env.update(
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
        FRONTLINE_ENV="production",
        FRONTLINE_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    script = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_TIMEOUT)"
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=CORE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert float(out.stdout.strip().splitlines()[-1]) == 15.0


@pytest.fixture
def silent_relay():
    """A TCP server that accepts connections and never sends the SMTP greeting."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_the_smtp_backend_gives_up_on_a_silent_relay_within_the_timeout(silent_relay):
    with override_settings(EMAIL_TIMEOUT=0.5):
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=silent_relay, use_tls=False
        )
        started = time.monotonic()
        with pytest.raises((TimeoutError, OSError)):
            connection.open()
    assert time.monotonic() - started < 5
