"""A web worker warms up at boot: lazily imported request modules are loaded and the broker
connection is open before the first request; a broker that is down does not stop it."""

import logging
import subprocess
import sys
from pathlib import Path

from config import warmup

CORE = Path(__file__).resolve().parents[2]


def test_a_fresh_worker_has_the_lazy_modules_and_a_broker_connection_after_boot():
    # A new interpreter, as gunicorn's worker is: importing the WSGI module runs the warm-up.
    probe = (
        "import sys, config.wsgi\n"
        "from config.celery import app\n"
        f"missing = [m for m in {warmup.LAZY_REQUEST_MODULES!r} + ('events.tasks',) if m not in sys.modules]\n"
        "assert not missing, missing\n"
        "with app.producer_or_acquire() as producer:\n"
        "    assert producer.connection.connected, 'the pooled broker connection is open'\n"
        "print('warm')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=CORE, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("warm")


def test_a_broker_that_is_down_only_logs(monkeypatch, caplog):
    from config.celery import app

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(app, "producer_or_acquire", unreachable)
    logger = logging.getLogger("config.warmup")  # the project's logging config may not propagate
    logger.addHandler(caplog.handler)
    try:
        warmup.warm_web_worker()
    finally:
        logger.removeHandler(caplog.handler)
    assert "Broker not reachable" in caplog.text
