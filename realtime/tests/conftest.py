"""Fixtures: a real gateway process (or several) on the test Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from contracts.events import stream_key
from realtime.tests import support


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(support.redis_url())
    yield client
    for tenant_id in support.used_tenant_ids:
        client.delete(stream_key(tenant_id))
    client.close()


@pytest.fixture(scope="module")
def gateway() -> Iterator[support.GatewayProcess]:
    process = support.GatewayProcess(support.redis_url())
    yield process
    process.stop()
