"""Celery broker settings that depend on the engine the broker URL names: Redis or RabbitMQ.

Redis is the default broker (the same server as the cache and the event streams); RabbitMQ
is the alternative for installations that already run one (`FRONTLINE_CELERY_BROKER_URL`).
Their transports take different options, and Redis' ones describe how it emulates
acknowledgements, which RabbitMQ has natively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

from contracts.env import ConfigError

BrokerEngine = Literal["redis", "amqp"]
_SCHEMES: dict[str, BrokerEngine] = {
    "redis": "redis",
    "rediss": "redis",
    "redis+socket": "redis",
    "amqp": "amqp",
    "amqps": "amqp",
    "pyamqp": "amqp",
}


def queue_settings(prefix: str, purposes: Sequence[str], routes: Mapping[str, str]) -> dict[str, Any]:
    """Celery's default queue, queues and routes for queues named by purpose (`default` first) and
    task-name patterns routed to a purpose. The broker's queue names are `prefix` + purpose
    (`scripts/serve.py worker --queues email` adds the same prefix)."""

    def name(purpose: str) -> str:
        return f"{prefix}{purpose}"

    return {
        "task_default_queue": name(purposes[0]),
        "task_queues": {name(p): {"routing_key": name(p)} for p in purposes},
        "task_routes": {pattern: {"queue": name(purpose)} for pattern, purpose in routes.items()},
    }


def broker_engine(url: str) -> BrokerEngine:
    """Which engine `url` names; anything else refuses to start with a line naming the variable."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        # Only the scheme is echoed: the URL may carry a password.
        raise ConfigError(
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
