"""The hostile-input suite: a `tally` per test, and the table of every class's payloads at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

# The browser fixtures (a live core, Debian's Chromium) of the portal's own tests.
from portal_host.tests.conftest import chromium, console_errors, demo, live_core  # noqa: F401

from .ledger import Tally, summary_lines


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    """Counts this test's payloads under its module's ADVISORY_CLASS."""
    advisory_class = getattr(request.module, "ADVISORY_CLASS", None)
    assert advisory_class, f"{request.module.__name__} must name its ADVISORY_CLASS"
    counter = Tally(advisory_class)
    yield counter
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed and not counter.checked:
        pytest.fail("the test never called tally.assert_held(): its payloads were not judged")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    lines = summary_lines()
    if lines:
        terminalreporter.section("hostile input: payloads per advisory class")
        for line in lines:
            terminalreporter.write_line(line)
