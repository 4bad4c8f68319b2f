"""A ticket's round trip in a real browser: customer asks, agent notes and replies, customer sees."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import sign_in

pytestmark = pytest.mark.committed


def test_customer_request_agent_reply_and_note(demo: None, live_core: LiveCore, chromium: Any) -> None:
    customer = chromium.new_context().new_page()
    agent = chromium.new_context().new_page()
    try:
        # Given Acme's customer, who submits a new request from the portal
        sign_in(customer, live_core, "acme", "customer@acme.test")
        customer.get_by_role("link", name="New request").first.click()
        customer.get_by_label("Subject").fill("Printer is on fire")
        customer.get_by_label("How can we help?").fill("Smoke everywhere since this morning.")
        customer.get_by_role("button", name="Send request").click()
        expect(customer.get_by_role("heading", name="Printer is on fire")).to_be_visible()
        expect(customer).to_have_url(re.compile(r"/portal/tickets/\d+$"))
        ticket_url_path = re.sub(r"^https?://[^/]+", "", customer.url)

        # When an agent finds it among the unassigned tickets
        sign_in(agent, live_core, "acme", "agent@acme.test")
        expect(agent).to_have_url(live_core.url("acme", "/agent/inbox/mine"))
        agent.get_by_role("link", name="Unassigned").click()
        agent.get_by_role("link", name="Printer is on fire").click()
        # takes it, adds an internal note, then a public reply
        agent.get_by_label("Assignee").select_option(label="Alice Agent")
        expect(agent.get_by_label("Assignee")).to_have_value(re.compile(r"\d+"))
        agent.get_by_label("Internal note").check()
        agent.get_by_label("Internal note (agents only)").fill("Facilities says it is a toner fire.")
        agent.get_by_role("button", name="Add note").click()
        note = agent.locator("[data-kind=note]")
        expect(note).to_contain_text("Facilities says it is a toner fire.")
        expect(note).to_contain_text("Internal note")
        agent.get_by_label("Public reply").check()
        agent.get_by_label("Reply to the customer").fill("Please leave the building; help is on the way.")
        agent.get_by_role("button", name="Send reply").click()
        expect(agent.locator("[data-kind=reply]").last).to_contain_text("help is on the way")
        agent.get_by_label("Status").select_option(label="Pending")
        expect(agent.get_by_label("Status")).to_have_value("pending")

        # Then the customer sees the reply, never the note, and the new status
        customer.goto(live_core.url("acme", ticket_url_path))
        conversation = customer.get_by_role("list", name="Conversation")
        expect(conversation).to_contain_text("help is on the way")
        expect(conversation).not_to_contain_text("toner fire")
        expect(customer.get_by_text("Awaiting your reply")).to_be_visible()
        # and the request is in their open list
        customer.get_by_role("link", name="My requests").first.click()
        expect(customer.get_by_role("list", name="My requests")).to_contain_text("Printer is on fire")
        # When the customer marks it solved, it moves to the Solved tab
        customer.get_by_role("link", name="Printer is on fire").click()
        customer.get_by_role("button", name="Mark as solved").click()
        expect(customer.get_by_role("button", name="Reopen request")).to_be_visible()
        customer.get_by_role("link", name="My requests").first.click()
        customer.get_by_role("button", name="Solved").click()
        expect(customer.get_by_role("list", name="My requests")).to_contain_text("Printer is on fire")
    finally:
        for page, name in ((customer, "customer"), (agent, "agent")):
            page.screenshot(path=str(_artifact(f"ticket_round_trip_{name}.png")), full_page=True)
            page.context.close()


@pytest.fixture
def thirty_tickets(demo: None) -> None:
    """26 more tickets on top of the demo's 4 in acme: one page of 25 and a second of 5."""
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.selectors import membership_list, tenant_by_slug
    from tickets.services.tickets import ticket_create

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    with tenant_context(acme.id):
        customer = membership_list(tenant=acme, role=Role.CUSTOMER).first()
        for n in range(26):
            ticket_create(tenant=acme, actor=customer, subject=f"Bulk question {n:02d}", body_text="?")


def test_inbox_pages_by_cursor(thirty_tickets: None, live_core: LiveCore, chromium: Any) -> None:
    page = chromium.new_context().new_page()
    try:
        sign_in(page, live_core, "acme", "agent@acme.test")
        page.get_by_role("link", name="All", exact=True).click()
        rows = page.get_by_role("table", name="All tickets").locator("tbody tr")
        expect(rows).to_have_count(25)
        page.get_by_role("button", name="Load more").click()
        expect(rows).to_have_count(30)
        expect(page.get_by_role("button", name="Load more")).to_have_count(0)
        # every ticket exactly once across the two pages
        subjects = rows.locator("td:nth-child(2) a").all_inner_texts()
        assert len(set(subjects)) == 30
    finally:
        page.context.close()


def _artifact(name: str) -> Any:
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
