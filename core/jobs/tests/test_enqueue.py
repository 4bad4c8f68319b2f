"""enqueue_on_commit: a task sent by name after commit, routed by purpose, never raising."""

import importlib
import logging
import pkgutil

import pytest
import redis
from celery import current_app
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from jobs import enqueue_on_commit, task_name
from jobs.enqueue import DECLARED_TASK_NAMES
from testing.workers import celery_broker, free_port

pytestmark = pytest.mark.django_db

HEARTBEAT = task_name("health.tasks.heartbeat")


def _import_all_project_modules() -> None:
    """Every module of the project's apps, so every `task_name` declaration has run."""
    for app in apps.get_app_configs():
        if not app.path.startswith(str(settings.CORE_DIR)):
            continue
        for module in pkgutil.walk_packages([app.path], prefix=f"{app.name}."):
            if not {".tests", ".migrations"} & {f".{part}" for part in module.name.split(".")}:
                importlib.import_module(module.name)


def _queued(queue: str, name: str) -> int:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return sum(f'"{name}"'.encode() in message for message in broker.lrange(queue, 0, -1))


def test_every_declared_task_name_is_a_registered_task():
    _import_all_project_modules()
    current_app.loader.import_default_modules()
    assert len(DECLARED_TASK_NAMES) > 10  # the declarations were found
    assert sorted(DECLARED_TASK_NAMES - set(current_app.tasks)) == []


def test_a_name_is_routed_to_its_purpose_queue():
    route = current_app.amqp.router.route({}, "email_channel.tasks.send_email")
    assert route["queue"].name == f"{settings.FRONTLINE_CELERY_QUEUE_PREFIX}email"
    route = current_app.amqp.router.route({}, "events.tasks.relay_outbox")
    assert route["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


def test_the_task_is_sent_after_commit_and_not_on_rollback(django_capture_on_commit_callbacks):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    before = _queued(queue, HEARTBEAT)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(HEARTBEAT)
        assert _queued(queue, HEARTBEAT) == before, "nothing is sent before the commit"
    assert len(callbacks) == 1
    assert _queued(queue, HEARTBEAT) == before + 1

    pending = len(connection.run_on_commit)
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(HEARTBEAT)
        raise RuntimeError("the change failed")
    assert len(connection.run_on_commit) == pending


def test_a_requeue_key_sends_one_message_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(HEARTBEAT, requeue_key="tests:heartbeat")
        enqueue_on_commit(HEARTBEAT, requeue_key="tests:heartbeat")
        enqueue_on_commit(HEARTBEAT)
    assert len(callbacks) == 2


def test_a_broker_failure_after_commit_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    with (
        celery_broker(f"redis://127.0.0.1:{free_port()}/0"),
        caplog.at_level(logging.WARNING, "jobs.enqueue"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit(HEARTBEAT)
    assert "Could not queue health.tasks.heartbeat after commit" in caplog.text
