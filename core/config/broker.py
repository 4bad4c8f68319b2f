"""Celery broker settings that depend on the engine the broker URL names: Redis or RabbitMQ.

Redis is the default broker (the same server as the cache and the event streams); RabbitMQ
is the alternative for installations that already run one (`FRONTLINE_CELERY_BROKER_URL`).
Their transports take different options, and Redis' ones describe how it emulates
acknowledgements, which RabbitMQ has natively.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

BrokerEngine = Literal["redis", "amqp"]
_SCHEMES: dict[str, BrokerEngine] = {
    "redis": "redis",
    "rediss": "redis",
    "redis+socket": "redis",
    "amqp": "amqp",
    "amqps": "amqp",
    "pyamqp": "amqp",
}


# One queue per kind of work, so a 100k-row export or a retrain never waits in front of a
# password-reset mail. `scripts/serve.py worker --queues email` consumes one; a worker started
# without -Q (make run, the tests) consumes all of them.
QUEUES_BY_PURPOSE = ("default", "email", "webhooks", "ai", "reports")
# Task name patterns and the queue (purpose) they run on; everything else runs on `default`.
ROUTES_BY_PURPOSE = {
    "email_channel.tasks.*": "email",
    "csat.tasks.*": "email",
    "accounts.tasks.*": "email",
    "notifications.tasks.*": "email",
    "webhooks.tasks.*": "webhooks",
    "triage.tasks.*": "ai",
    "kb.tasks.*": "ai",
    "reports.tasks.*": "reports",
}


def queue_name(prefix: str, purpose: str) -> str:
    """The broker's name of a queue; the prefix lets installations (or test runs) share a broker."""
    return f"{prefix}{purpose}"


def default_queue(prefix: str) -> str:
    """The queue tasks go to unless routed elsewhere."""
    return queue_name(prefix, "default")


def queue_settings(prefix: str) -> dict[str, Any]:
    """Celery's task_default_queue, task_queues and task_routes for the queue prefix."""
    return {
        "task_default_queue": default_queue(prefix),
        "task_queues": {
            queue_name(prefix, p): {"routing_key": queue_name(prefix, p)} for p in QUEUES_BY_PURPOSE
        },
        "task_routes": {
            pattern: {"queue": queue_name(prefix, p)} for pattern, p in ROUTES_BY_PURPOSE.items()
        },
    }


def broker_engine(url: str) -> BrokerEngine:
    """Which engine `url` names; anything else refuses to start with a line naming the variable."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        # Only the scheme is echoed: the URL may carry a password.
        raise RuntimeError(
            f"FRONTLINE_CELERY_BROKER_URL: unsupported broker scheme {scheme or '(none)'!r}; "
            "use redis://, rediss:// or amqp://, amqps://"
        )
    return _SCHEMES[scheme]


def broker_transport_options(url: str, *, visibility_timeout: int, restore_interval: int) -> dict[str, Any]:
    """The transport options for the broker at `url`."""
    if broker_engine(url) == "amqp":
        # RabbitMQ gives a dead worker's unacknowledged messages back as soon as its connection
        # drops, so there is no visibility timeout to tune. Publisher confirms make a publish
        # return once the broker has the message, as Redis' LPUSH reply does: without them a
        # kick lost in a broker's flow control or crash would look sent.
        return {"confirm_publish": True}
    # Redis has no acknowledgements: kombu keeps delivered messages in a side structure and
    # puts them back when they stay unacknowledged for the visibility timeout.
    return {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": restore_interval,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
