"""The agent workspace in a real browser: bulk actions, keyboard shortcuts, custom fields,
and the customer's self-service sign-up and password reset."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from testing.outbound_mail import deliver_mail

from .conftest import LiveCore
from .test_browser import open_new_request, sign_in

pytestmark = pytest.mark.committed


def _acme() -> Any:
    from tenancy.selectors import tenant_by_slug

    tenant = tenant_by_slug(slug="acme")
    assert tenant is not None
    return tenant


@pytest.fixture
def three_new_tickets(demo: None) -> None:
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.selectors import membership_list
    from tickets.services.tickets import ticket_create

    acme = _acme()
    with tenant_context(acme.id):
        customer = membership_list(tenant=acme, role=Role.CUSTOMER).first()
        for n in range(3):
            ticket_create(tenant=acme, actor=customer, subject=f"Keyboard question {n}", body_text="?")


def test_bulk_actions_change_the_selected_tickets(
    three_new_tickets: None, live_core: LiveCore, page: Any
) -> None:
    # Given an agent on the All open view
    sign_in(page, live_core, "acme", "agent@acme.test")
    page.get_by_role("link", name="All open").click()
    table = page.get_by_role("table", name="All open tickets")
    expect(table.get_by_role("link", name="Keyboard question 0")).to_be_visible()
    # When they select two tickets and set priority and a tag in one go
    for n in (0, 1):
        row = table.locator("tbody tr", has_text=f"Keyboard question {n}")
        row.get_by_role("checkbox").check()
    bulk = page.get_by_role("form", name="Bulk actions")
    expect(bulk).to_contain_text("2 selected")
    bulk.get_by_label("Priority").select_option("urgent")
    bulk.get_by_label("Add tags").fill("bulk-moved")
    bulk.get_by_role("button", name="Apply to 2 tickets").click()
    # Then both change, the third does not, and the selection is cleared
    expect(page.get_by_test_id("bulk-done")).to_have_text("Updated 2 tickets.")
    for n in (0, 1):
        row = table.locator("tbody tr", has_text=f"Keyboard question {n}")
        expect(row).to_contain_text("urgent")
        expect(row).to_contain_text("bulk-moved")
    expect(table.locator("tbody tr", has_text="Keyboard question 2")).not_to_contain_text("bulk-moved")
    expect(page.get_by_role("form", name="Bulk actions")).to_have_count(0)


def test_bulk_errors_are_shown_and_nothing_changes(
    three_new_tickets: None, live_core: LiveCore, page: Any, console_errors: Any
) -> None:
    console_errors.expect(
        r"status of 422 .*/api/v1/tickets/bulk-update"
    )  # the refused bulk update this test provokes
    sign_in(page, live_core, "acme", "agent@acme.test")
    page.get_by_role("link", name="All open").click()
    table = page.get_by_role("table", name="All open tickets")
    table.locator("tbody tr", has_text="Keyboard question 0").get_by_role("checkbox").check()
    bulk = page.get_by_role("form", name="Bulk actions")
    # a tag core refuses (too long) fails the whole change with core's message
    bulk.get_by_label("Add tags").fill("x" * 200)
    bulk.get_by_role("button", name="Apply to 1 ticket").click()
    expect(bulk.get_by_role("alert")).to_be_visible()
    expect(table.locator("tbody tr", has_text="Keyboard question 0")).not_to_contain_text("xxxx")


def test_keyboard_shortcuts_move_open_and_reply(
    three_new_tickets: None, live_core: LiveCore, page: Any
) -> None:
    sign_in(page, live_core, "acme", "agent@acme.test")
    page.get_by_role("link", name="All open").click()
    table = page.get_by_role("table", name="All open tickets")
    expect(table.locator("tbody tr").first).to_be_visible()
    page.locator("body").click(position={"x": 5, "y": 300})
    # j j highlights the second row, k goes back, x selects it
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(table.locator("tbody tr").nth(1)).to_have_class(re.compile("row--active"))
    page.keyboard.press("k")
    expect(table.locator("tbody tr").nth(0)).to_have_class(re.compile("row--active"))
    page.keyboard.press("x")
    expect(page.get_by_role("form", name="Bulk actions")).to_contain_text("1 selected")
    # ? shows the help, Escape closes it
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(help_dialog).to_have_count(0)
    # o opens the highlighted ticket; n starts an internal note
    first_subject = table.locator("tbody tr").nth(0).locator("td:nth-child(2) a").inner_text()
    page.keyboard.press("o")
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_subject)
    page.keyboard.press("n")
    expect(page.get_by_label("Internal note", exact=True)).to_be_checked()
    expect(page.get_by_label("Internal note (agents only)")).to_be_focused()
    page.keyboard.type("typing n or r here stays text")
    expect(page.get_by_label("Internal note (agents only)")).to_have_value("typing n or r here stays text")
    # / jumps to the search box; Enter opens the best hit
    page.get_by_label("Internal note (agents only)").blur()
    page.keyboard.press("/")
    search = page.get_by_label("Search tickets")
    expect(search).to_be_focused()
    search.fill("Keyboard question 2")
    expect(page.locator("#ticket-search-results")).to_contain_text("Keyboard question 2")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard question 2")


@pytest.fixture
def acme_fields(demo: None) -> None:
    from tenancy.context import tenant_context
    from tickets.services.fields import custom_field_create

    acme = _acme()
    with tenant_context(acme.id):
        custom_field_create(
            tenant=acme, key="plan", label="Plan", field_type="dropdown", options=["free", "pro"]
        )
        custom_field_create(tenant=acme, key="order_no", label="Order number", field_type="number")
        custom_field_create(
            tenant=acme, key="refund_ok", label="Refund approved", field_type="checkbox", agent_only=True
        )
        custom_field_create(tenant=acme, key="seen_on", label="Seen on", field_type="date", required=True)


def test_custom_fields_on_the_customer_form_and_the_ticket_view(
    acme_fields: None, live_core: LiveCore, chromium: Any
) -> None:
    customer = chromium.new_context().new_page()
    agent = chromium.new_context().new_page()
    try:
        # The customer's form shows the fields customers may fill in, not the agent-only one
        form = open_new_request(customer, live_core)
        expect(form.get_by_label("Plan")).to_be_visible()
        expect(form.get_by_label("Refund approved")).to_have_count(0)
        form.get_by_label("Subject").fill("Fields question")
        form.get_by_label("How can we help?").fill("Which plan am I on?")
        form.get_by_role("button", name="Send request").click()
        expect(form.locator(".field-error")).to_contain_text("Seen on is required.")
        form.get_by_label("Seen on").fill("2026-11-20")
        form.get_by_label("Plan").select_option("pro")
        form.get_by_role("button", name="Send request").click()
        expect(customer.get_by_role("heading", name="Fields question")).to_be_visible()
        ticket_path = re.sub(r"^https?://[^/]+", "", customer.url).replace("/portal/", "/agent/")

        # The agent sees the values and edits them, agent-only field included
        sign_in(agent, live_core, "acme", "agent@acme.test")
        expect(agent).to_have_url(re.compile("/agent/"))
        agent.goto(live_core.url("acme", ticket_path))
        fields = agent.get_by_role("form", name="Fields")
        expect(fields.get_by_label("Plan")).to_have_value("pro")
        expect(fields.get_by_label("Seen on")).to_have_value("2026-11-20")
        fields.get_by_label("Order number").fill("1234")
        fields.get_by_label("Refund approved").check()
        fields.get_by_label("Seen on").fill("")
        fields.get_by_role("button", name="Save fields").click()
        expect(fields.locator(".field-error")).to_contain_text("Seen on is required.")
        fields.get_by_label("Seen on").fill("2026-11-21")
        fields.get_by_role("button", name="Save fields").click()
        expect(agent.get_by_role("form", name="Fields").get_by_role("status")).to_have_text("Saved")
        agent.reload()
        fields = agent.get_by_role("form", name="Fields")
        expect(fields.get_by_label("Order number")).to_have_value("1234")
        expect(fields.get_by_label("Refund approved")).to_be_checked()
        # and the history lists the change
        agent.get_by_role("heading", name="History").click()
        expect(agent.get_by_role("list", name="Changes")).to_contain_text("order_no")
    finally:
        for p in (customer, agent):
            p.context.close()


@pytest.fixture
def acme_allows_signup(demo: None) -> None:
    acme = _acme()
    acme.settings = {**acme.settings, "portal": {"allow_signup": True}}
    acme.save(update_fields=["settings"])


def _deliver_mail() -> None:
    """Relay the events and send the queued mail (no worker here), off this thread: Playwright's
    sync API runs an event loop in it, where Django refuses ORM calls."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(deliver_mail).result()


def test_sign_up_then_reset_the_password(
    acme_allows_signup: None, live_core: LiveCore, page: Any, console_errors: Any
) -> None:
    console_errors.expect(
        r"status of 422 .*/api/v1/auth/password-reset/confirm"
    )  # the used reset link this test tries again
    # A visitor asks for an account from the sign-in page, follows the mailed link, chooses
    # a password there and lands in the portal
    _deliver_mail()  # what the demo data queued, before the sign-up is asked for
    mail.outbox.clear()
    page.goto(live_core.url("acme", "/login"))
    page.get_by_role("link", name="Create an account").click()
    form = page.get_by_role("form", name="Sign up")
    form.get_by_label("Your name").fill("Nina New")
    form.get_by_label("Email").fill("nina@example.test")
    form.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("status")).to_contain_text("Check nina@example.test")
    _deliver_mail()
    assert [m.to for m in mail.outbox] == [["nina@example.test"]]
    signup_link = re.search(r"(/signup/confirm\?\S+)", mail.outbox[0].body)
    assert signup_link, mail.outbox[0].body
    page.goto(live_core.url("acme", signup_link.group(1)))
    page.get_by_label("Password", exact=True).fill("first secret phrase")
    page.get_by_label("Password again").fill("first secret phrase")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_core.url("acme", "/portal"))
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Nina New")
    page.get_by_role("button", name="Sign out").click()

    # Later she forgets the password and asks for a link
    expect(page.get_by_role("heading", name=re.compile("^Sign in to"))).to_be_visible()
    _deliver_mail()  # what the demo data queued, before the reset is asked for
    mail.outbox.clear()
    page.get_by_role("link", name="Forgot your password?").click()
    # The sign-in form has an Email field too: fill the reset form's once it has replaced it.
    form = page.get_by_role("form", name="Reset password")
    form.get_by_label("Email").fill("nina@example.test")
    form.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("If this email has an account here")
    _deliver_mail()
    assert len(mail.outbox) == 1
    link = re.search(r"(/reset-password\?\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    # The link's page sets a new password, which then signs her in; the link is spent
    page.goto(live_core.url("acme", link.group(1)))
    page.get_by_label("New password", exact=True).fill("second secret phrase")
    page.get_by_label("New password again").fill("second secret phrase")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed.")
    page.goto(live_core.url("acme", link.group(1)))
    page.get_by_label("New password", exact=True).fill("third secret phrase")
    page.get_by_label("New password again").fill("third secret phrase")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid or has expired")
    page.goto(live_core.url("acme", "/login"))
    page.get_by_label("Email").fill("nina@example.test")
    page.get_by_label("Password").fill("second secret phrase")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_core.url("acme", "/portal"))


def test_inbox_and_ticket_fit_a_phone(three_new_tickets: None, live_core: LiveCore, chromium: Any) -> None:
    page = chromium.new_context(viewport={"width": 375, "height": 740}).new_page()
    try:
        sign_in(page, live_core, "acme", "agent@acme.test")
        page.get_by_role("link", name="All open").click()
        table = page.get_by_role("table", name="All open tickets")
        expect(table.get_by_role("link", name="Keyboard question 0")).to_be_visible()
        # the page itself never scrolls sideways (a wide table scrolls inside its own box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        table.get_by_role("link", name="Keyboard question 0").click()
        expect(page.get_by_role("heading", name="SLA")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=str(_artifact_path("workspace_phone_ticket.png")), full_page=True)
    finally:
        page.context.close()


def _artifact_path(name: str) -> Any:
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
