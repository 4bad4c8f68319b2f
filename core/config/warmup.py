"""Warm a web worker at boot, so its first requests cost what later ones do.

The apps' modules load on first use (the URL configuration is read on the first request),
and the broker connection opens on the first task sent. Paid by a worker's first ticket
creation, that was about 350 ms (measured with `bench/api_load.py`: the whole p99 tail of
`create` with 8 clients), and again after every worker restart. Doing it once at boot moves
that cost out of a customer's request.

A broker that is down at boot is not an error here: the first task sent retries it.
"""

from __future__ import annotations

import importlib
import logging

from config.celery import app

logger = logging.getLogger(__name__)

# What a create, reply, search and login touch beyond the tasks modules' imports (today the
# apps' ready() hooks load them too; the list keeps them warm if that changes).
LAZY_REQUEST_MODULES = (
    "tickets.sanitize",
    "kb.links",
    "notifications.services",
    "email_channel.outbound",
    "events.relay",
)


def warm_web_worker() -> None:
    # Every app's `tasks` module (and what they import: redis, kombu's transport).
    app.loader.import_default_modules()
    for name in LAZY_REQUEST_MODULES:
        importlib.import_module(name)
    try:
        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1)
            producer.connection.default_channel  # noqa: B018 - opening the channel is the point
    except Exception as exc:  # a warm-up must never stop the server from starting
        logger.warning("Broker not reachable at worker start (%s); tasks will connect when sent.", exc)
