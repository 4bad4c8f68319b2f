"""The broker URL picks the engine and its transport options; an unknown one refuses to start."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from config.broker import broker_engine, broker_transport_options
from contracts.env import ConfigError

TIMEOUTS = {"visibility_timeout": 60, "restore_interval": 5}


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "redis"),
        ("rediss://cache.example:6380/1", "redis"),
        ("amqp://guest:guest@127.0.0.1:5672//", "amqp"),
        ("amqps://u:p@mq.example/frontline", "amqp"),
    ],
)
def test_the_url_scheme_names_the_engine(url, engine):
    assert broker_engine(url) == engine


def test_redis_acknowledgement_emulation_options_are_for_redis_only():
    redis_options = broker_transport_options("redis://127.0.0.1/0", **TIMEOUTS)
    assert redis_options["visibility_timeout"] == 60
    assert redis_options["unacked_restore_interval"] == 5
    amqp_options = broker_transport_options("amqp://guest:guest@127.0.0.1//", **TIMEOUTS)
    assert amqp_options == {"confirm_publish": True}


def test_an_unsupported_broker_fails_with_one_line_that_hides_the_password():
    with pytest.raises(ConfigError, match="unsupported broker scheme 'sqs'") as error:
        broker_engine("sqs://key:hunter2@queue.example")
    assert "hunter2" not in str(error.value)


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    names = ["CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_DEFAULT_QUEUE"]
    names += ["CELERY_TASK_QUEUES", "CELERY_TASK_ROUTES"]
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.CORE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "FRONTLINE_ENV": "test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_take_the_broker_and_queue_prefix_from_the_environment():
    run = _settings_in_a_fresh_process(
        FRONTLINE_CELERY_BROKER_URL="amqp://guest:guest@mq.example:5672//",
        FRONTLINE_CELERY_QUEUE_PREFIX="site-a.",
    )
    assert run.returncode == 0, run.stderr
    amqp = json.loads(run.stdout)
    assert amqp["CELERY_BROKER_URL"] == "amqp://guest:guest@mq.example:5672//"
    assert amqp["CELERY_BROKER_TRANSPORT_OPTIONS"] == {"confirm_publish": True}
    assert amqp["CELERY_TASK_DEFAULT_QUEUE"] == "site-a.default"
    assert sorted(amqp["CELERY_TASK_QUEUES"]) == [
        f"site-a.{q}" for q in sorted(settings.CELERY_QUEUES_BY_PURPOSE)
    ]
    assert amqp["CELERY_TASK_ROUTES"]["webhooks.tasks.*"] == {"queue": "site-a.webhooks"}
    if not os.environ.get("FRONTLINE_CELERY_BROKER_URL"):  # this process: the fallback
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    bad = _settings_in_a_fresh_process(FRONTLINE_CELERY_BROKER_URL="kafka://broker:9092")
    assert bad.returncode != 0
    assert "FRONTLINE_CELERY_BROKER_URL: unsupported broker scheme 'kafka'" in bad.stderr


def test_serve_worker_consumes_the_prefixed_queues(monkeypatch):
    import argparse
    import importlib.util

    from testing.serve import SERVE

    spec = importlib.util.spec_from_file_location("frontline_serve_for_broker_test", SERVE)
    assert spec is not None and spec.loader is not None
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    monkeypatch.setenv("FRONTLINE_CELERY_QUEUE_PREFIX", "site-a.")
    command = serve.worker_command(argparse.Namespace(queues="email,webhooks", concurrency=1))
    assert command[command.index("--queues") + 1] == "site-a.email,site-a.webhooks"
