"""Root pytest configuration: one test database for the run, two tenants per suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker: Any) -> Iterator[None]:
    from testing.database import test_database

    with django_db_blocker.unblock(), test_database():
        yield


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Login counters and other cached state must not leak from one test into the next."""
    yield
    cache.clear()


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access without the per-test transaction: writes really commit (threads,
    several connections). Every table is emptied afterwards."""
    from testing.database import truncate_all_tables

    with django_db_blocker.unblock():
        try:
            yield
        finally:
            truncate_all_tables()


@pytest.fixture
def two_tenants(db: None) -> Any:
    from testing.factories import make_world
    from testing.isolation import TwoTenants

    return TwoTenants(a=make_world("acme"), b=make_world("globex"))
