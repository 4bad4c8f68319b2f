"""The first run, walked as the demo owner in a real browser: every page of the workspace and
the help centre shows the seeded data, and no page logs a console error (the chromium
fixture fails the test on any)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import sign_in

pytestmark = pytest.mark.committed


@pytest.fixture
def first_run(demo_with_history: None) -> dict[str, Any]:
    """What the worker does after `make run` seeds: relay every event (SLA clocks, rollups),
    then one SLA sweep. Returns a breached ticket's id and an article's slug."""
    from django.utils import timezone

    from events.relay import relay_tenant
    from kb.selectors import article_list
    from sla.models import SlaClock
    from sla.services.sweep import sla_fire_due
    from tenancy.context import tenant_context
    from tenancy.selectors import tenant_by_slug

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    while relay_tenant(acme.id, batch=500):
        pass
    sla_fire_due(now=timezone.now())
    with tenant_context(acme.id):
        breached = SlaClock.objects.filter(tenant=acme, breached_at__isnull=False, achieved_at__isnull=True)
        article = article_list(tenant=acme, status="published", limit=50)[-1]
        return {"ticket_id": breached.first().ticket_id, "slug": article.slug}  # type: ignore[union-attr]


def test_owner_walks_every_page_and_each_shows_data(
    first_run: dict[str, Any], live_core: LiveCore, page: Any
) -> None:
    sign_in(page, live_core, "acme", "owner@acme.test")
    # The owner lands on "Mine", which lists tickets (not an empty view)
    expect(page).to_have_url(live_core.url("acme", "/agent/inbox/mine"))
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name=re.compile(".")).first).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(": empty$"))).to_have_count(0)
    for view in ("sla", "open", "all"):
        page.goto(live_core.url("acme", f"/agent/inbox/{view}"))
        expect(main.locator("a[href^='/agent/tickets/']").first).to_be_visible()
    page.goto(live_core.url("acme", "/agent/inbox/unassigned"))  # may be empty: then it says so
    expect(main).to_be_visible()
    # A breached ticket shows its SLA panel
    page.goto(live_core.url("acme", f"/agent/tickets/{first_run['ticket_id']}"))
    expect(main.get_by_text(re.compile("breached", re.IGNORECASE)).first).to_be_visible()
    page.goto(live_core.url("acme", "/agent/teams"))
    expect(main.get_by_role("heading", name="Support")).to_be_visible()
    page.goto(live_core.url("acme", "/agent/reports"))
    expect(main.get_by_text(re.compile("CSAT", re.IGNORECASE)).first).to_be_visible()
    page.goto(live_core.url("acme", "/notifications"))
    expect(main).to_be_visible()
    page.goto(live_core.url("acme", "/help"))
    expect(main.get_by_role("link", name="Resetting your password")).to_be_visible()
    page.goto(live_core.url("acme", f"/help/articles/{first_run['slug']}"))
    expect(main.get_by_role("heading").first).to_be_visible()
    page.goto(live_core.url("acme", "/help/search?q=invoice"))
    expect(main.get_by_role("link", name="Understanding your invoice")).to_be_visible()
