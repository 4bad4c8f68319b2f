"""The reports dashboard in a real browser: its numbers are the API's, and a number drills down
to the tickets behind it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import sign_in

pytestmark = pytest.mark.committed


@pytest.fixture
def report_totals(demo: None) -> dict[str, Any]:
    """Acme's rollups caught up with its demo tickets, and the totals the API gives for the
    dashboard's default range (the last 30 days)."""
    from reports.selectors import ReportQuery, report_series
    from reports.services import rollups_catch_up
    from tenancy.context import tenant_context
    from tenancy.selectors import tenant_by_slug

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    today = dt.datetime.now(dt.UTC).date()
    with tenant_context(acme.id):
        rollups_catch_up(tenant=acme)
        report = report_series(tenant=acme, query=ReportQuery(start=today - dt.timedelta(days=29), end=today))
    totals = report["totals"]
    assert totals["created"] > 0  # the demo tickets were created just now
    return totals


def test_dashboard_shows_the_api_numbers_and_drills_down(
    report_totals: dict[str, Any], live_core: LiveCore, page: Any
) -> None:
    sign_in(page, live_core, "acme", "admin@acme.test")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    created = page.get_by_test_id("kpi-Created")
    expect(created.get_by_role("button")).to_have_text(str(report_totals["created"]))
    expect(page.get_by_test_id("kpi-Backlog").get_by_role("button")).to_have_text(
        str(report_totals["backlog"])
    )
    expect(page.get_by_test_id("kpi-Solved").get_by_role("button")).to_have_text(str(report_totals["solved"]))
    expect(page.locator(".recharts-line")).to_have_count(3)
    # the number opens the list of tickets behind it
    created.get_by_role("button").click()
    drill = page.get_by_role("region", name="Tickets behind the number")
    expect(drill.get_by_role("link")).to_have_count(min(report_totals["created"], 50))
