"""The portal in a real browser (Debian's Chromium) against a live core with a real database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD

from .conftest import ConsoleErrors, LiveCore

pytestmark = pytest.mark.committed


def sign_in(page: Any, core: LiveCore, slug: str, email: str) -> None:
    page.goto(core.url(slug, "/"))
    expect(page.get_by_role("heading", name=re.compile("^Sign in to"))).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_new_request(page: Any, core: LiveCore) -> Any:
    """Signs Acme's demo customer in and opens the new request form; answers the form."""
    sign_in(page, core, "acme", "customer@acme.test")
    page.get_by_role("link", name="New request").first.click()
    return page.get_by_role("form", name="New request")


def test_customer_signs_in_sees_tenant_and_signs_out(demo: None, live_core: LiveCore, page: Any) -> None:
    # When Acme's customer opens the portal on acme's host and signs in
    sign_in(page, live_core, "acme", "customer@acme.test")
    # Then they land in the customer portal, branded with Acme's name
    expect(page).to_have_url(live_core.url("acme", "/portal"))
    expect(page.get_by_test_id("tenant-name")).to_have_text("Acme Corporation")
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Carol Customer")
    expect(page.get_by_role("navigation", name="Portal")).to_be_visible()
    # and the agent workspace is not theirs: it sends them back to the portal
    page.goto(live_core.url("acme", "/agent/teams"))
    expect(page).to_have_url(live_core.url("acme", "/portal"))
    # When they sign out, the session is gone: a reload still shows the sign-in page
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_core.url("acme", "/login"))
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to Acme Corporation")).to_be_visible()


def test_agent_lands_in_workspace_with_real_teams(demo: None, live_core: LiveCore, page: Any) -> None:
    # A deep link survives the sign-in detour.
    page.goto(live_core.url("acme", "/agent/teams"))
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fagent%2Fteams$"))
    page.get_by_label("Email").fill("agent@acme.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_core.url("acme", "/agent/teams"))
    teams = page.get_by_role("list", name="Teams")
    expect(teams.get_by_role("heading", name="Support")).to_be_visible()
    expect(teams).to_contain_text("Arthur Agent")
    # Only Acme's people are listed.
    expect(page.get_by_role("main")).not_to_contain_text("globex.test")


def test_globex_user_cannot_sign_in_on_acme_host(
    demo: None, live_core: LiveCore, page: Any, console_errors: ConsoleErrors
) -> None:
    # Globex's customer, with the right password, on Acme's host
    console_errors.expect(r"status of 401 .*/api/v1/auth/login")
    sign_in(page, live_core, "acme", "customer@globex.test")
    # is refused like a wrong password, and sees nothing of Acme's
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    expect(page).to_have_url(live_core.url("acme", "/login"))
    # while the same login works on Globex's own host, which shows Globex's name
    sign_in(page, live_core, "globex", "customer@globex.test")
    expect(page).to_have_url(live_core.url("globex", "/portal"))
    expect(page.get_by_test_id("tenant-name")).to_have_text("Globex Inc.")
