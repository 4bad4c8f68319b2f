"""Root pytest configuration: one test database for the run, two tenants per suite."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

# The API suite's tenant tests: every test using the `two_tenants` fixture in a module that
# calls the API (an `/api/v1/` path or the shared `assert_other_tenant_gets_404` check), plus
# modules that mark themselves. `scripts/test_pgbouncer.sh` runs them through PgBouncer.
TENANT_ISOLATION = "tenant_isolation"
_API_MARKS = ("/api/v1/", "assert_other_tenant_gets_404")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{TENANT_ISOLATION}: an API two-tenant test, also run through PgBouncer (scripts/test_pgbouncer.sh)",
    )


@functools.cache
def _calls_the_api(module_file: str) -> bool:
    text = Path(module_file).read_text()
    return any(mark in text for mark in _API_MARKS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if (
            "two_tenants" in getattr(item, "fixturenames", ())
            and module is not None
            and _calls_the_api(str(module.__file__))
        ):
            item.add_marker(TENANT_ISOLATION)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fault suite's ledger (testing/fault_report.py): per scenario, side effects produced,
    delivered, duplicated and lost, counted by id."""
    from testing import fault_report

    counts = fault_report.rows()
    if not counts:
        return
    terminalreporter.write_sep("=", "fault suite: side effects by id")
    for line in fault_report.table(counts):
        terminalreporter.write_line(line)
    dirty = [c for c in counts if not c.clean]
    terminalreporter.write_line(
        f"{len(counts)} rows, {len(dirty)} with a lost, duplicated or unexpected side effect"
    )


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
