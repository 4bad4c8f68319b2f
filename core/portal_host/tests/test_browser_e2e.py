"""End to end in real Chromium against the real running stack (gunicorn, Celery, realtime, Redis, PostgreSQL).

A customer submits a request with an attachment and sees a suggested article; an agent sees
it arrive in the inbox without reloading; the agent replies while a second agent sees who is
replying; the customer sees the reply arrive; the agent solves it; the customer rates it and
the agent sees the rating. Each step leaves a screenshot in test-output/e2e/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_PASSWORD

from .stack import E2E_OUTPUT, Stack, running_stack

pytestmark = pytest.mark.committed

LIVE_TIMEOUT_MS = 30_000  # the machine is shared and loaded: generous, never a fixed sleep
ERROR_LOG = b"2026-11-26 09:14 printer: paper jam in tray 2 (code E-104)\n" * 20


@pytest.fixture
def stack(printer_article: None) -> Iterator[Stack]:
    with running_stack() as running:
        yield running


def shot(page: Any, step: str) -> None:
    E2E_OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(E2E_OUTPUT / f"{step}.png"), full_page=True)


def sign_in(page: Any, stack: Stack, email: str) -> None:
    page.goto(stack.url("acme", "/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()


def wait_live(page: Any) -> None:
    """The page's socket is open (the app marks <html data-realtime="open">)."""
    expect(page.locator("html")).to_have_attribute("data-realtime", "open", timeout=LIVE_TIMEOUT_MS)


def wait_until(predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + LIVE_TIMEOUT_MS / 1000
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def mark_no_reload(page: Any) -> None:
    page.evaluate("window.__e2eNoReload = true")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("window.__e2eNoReload === true"), "the page was reloaded"


def drop_file(page: Any, selector: str, name: str, content: str) -> None:
    """A real drop event with a DataTransfer holding one file, as a desktop drag would send."""
    transfer = page.evaluate_handle(
        """([name, content]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([content], name, { type: "application/octet-stream" }));
            return dt;
        }""",
        [name, content],
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_request_to_rating_live_across_customer_and_two_agents(stack: Stack, chromium: Any) -> None:
    contexts = [chromium.new_context(viewport={"width": 1100, "height": 900}) for _ in range(3)]
    customer, agent, agent2 = (context.new_page() for context in contexts)
    for page in (customer, agent, agent2):
        page.set_default_timeout(LIVE_TIMEOUT_MS)
    expect.set_options(timeout=LIVE_TIMEOUT_MS)  # assertions wait as long as actions (default 5 s)
    try:
        # Given an agent watching the unassigned inbox, live
        sign_in(agent, stack, "agent@acme.test")
        agent.get_by_role("link", name="Unassigned").click()
        wait_live(agent)
        mark_no_reload(agent)

        # When the customer writes a request, a matching article is suggested
        sign_in(customer, stack, "customer@acme.test")
        customer.get_by_role("link", name="New request").first.click()
        customer.get_by_label("Subject").fill("Printer paper jam in tray 2")
        customer.get_by_label("How can we help?").fill("The office printer shows E-104 and will not print.")
        suggestions = customer.get_by_role("region", name="Suggested articles")
        expect(suggestions.get_by_role("link", name="Clearing a printer paper jam")).to_be_visible()
        # A dropped program is refused with a message; a log file chosen in the file input is taken
        drop_file(customer, "[data-testid=dropzone]", "fix-printer.exe", "MZ not really a program")
        expect(customer.get_by_role("alert")).to_contain_text(
            "fix-printer.exe: programs and scripts cannot be attached"
        )
        customer.get_by_label("Attachments").set_input_files(
            {"name": "printer-log.txt", "mimeType": "text/plain", "buffer": ERROR_LOG}
        )
        expect(customer.get_by_role("list", name="Files to send")).to_contain_text("printer-log.txt")
        shot(customer, "01_customer_request_with_suggestion_and_attachment")
        customer.get_by_role("button", name="Send request").click()
        expect(customer.get_by_role("heading", name="Printer paper jam in tray 2")).to_be_visible()
        expect(customer).to_have_url(re.compile(r"/portal/tickets/\d+$"))
        ticket_id = int(customer.url.rsplit("/", 1)[1])
        expect(customer.get_by_role("link", name="printer-log.txt")).to_be_visible()
        wait_live(customer)
        mark_no_reload(customer)
        shot(customer, "02_customer_request_sent")

        # Then the request appears in the agent's inbox without a reload
        expect(agent.get_by_role("link", name="Printer paper jam in tray 2")).to_be_visible()
        assert_not_reloaded(agent)
        shot(agent, "03_agent_inbox_live")

        # When the agent opens it and a second agent opens it too
        agent.get_by_role("link", name="Printer paper jam in tray 2").click()
        expect(agent.get_by_role("link", name="printer-log.txt")).to_be_visible()
        sign_in(agent2, stack, "agent2@acme.test")
        agent2.goto(stack.url("acme", f"/agent/tickets/{ticket_id}"))
        wait_live(agent2)
        collision = agent2.get_by_test_id("collision")
        expect(collision).to_contain_text("Also viewing: Alice Agent")
        expect(agent.get_by_test_id("collision")).to_contain_text("Also viewing: Arthur Agent")

        # and the first agent types a reply, the second sees who is replying
        badge = customer.get_by_test_id("unread-count")
        unread_before = int(badge.inner_text()) if badge.count() else 0

        reply = "Open tray 2 and take out the jammed sheet; code E-104 clears by itself."
        box = agent.get_by_label("Reply to the customer")
        box.click()
        deadline = time.monotonic() + LIVE_TIMEOUT_MS / 1000
        typed = 0
        while True:  # keep typing (as a person does) until the indicator shows, or give up
            agent.keyboard.type(reply[typed : typed + 8], delay=40)
            typed = min(len(reply), typed + 8)
            try:
                expect(collision).to_contain_text("Alice Agent is replying", timeout=2_000)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                if typed == len(reply):
                    box.fill("")
                    typed = 0
        shot(agent2, "04_second_agent_sees_collision")
        box.fill(reply)
        agent.get_by_role("button", name="Send reply").click()
        expect(agent.locator("[data-kind=reply]").last).to_contain_text("code E-104 clears by itself")

        # Then the customer sees the reply arrive, without a reload
        conversation = customer.get_by_role("list", name="Conversation")
        expect(conversation).to_contain_text("code E-104 clears by itself")
        # and the notification of the reply raises the unread badge, live as well
        wait_until(
            lambda: badge.count() > 0 and int(badge.inner_text()) > unread_before, "the unread badge to rise"
        )
        assert_not_reloaded(customer)
        shot(customer, "05_customer_sees_reply_live")

        # When the agent solves the ticket
        agent.get_by_label("Status").select_option(label="Solved")
        expect(agent.get_by_label("Status")).to_have_value("solved")
        shot(agent, "06_agent_solved")

        # Then the customer sees it solved and is asked for a rating, and rates it
        expect(customer.get_by_text("Solved").first).to_be_visible()
        rating = customer.get_by_role("form", name="Rate this request")
        expect(rating).to_be_visible()
        assert_not_reloaded(customer)
        # The demo tenants ask on the 1-5 scale (demo/rules.py configures CSAT).
        rating.get_by_label("5", exact=True).check()
        rating.get_by_label("Comment (optional)").fill("Fixed in two minutes, thanks!")
        shot(customer, "07_customer_rating")
        rating.get_by_role("button", name="Send rating").click()
        expect(customer.get_by_role("region", name="Your rating")).to_contain_text(
            "You rated this request: 5 out of 5"
        )
        shot(customer, "08_customer_rated")

        # and the agent sees the rating on the ticket
        expect(agent.get_by_test_id("csat-rating")).to_contain_text("5 out of 5")
        expect(agent.get_by_role("region", name="Customer satisfaction")).to_contain_text(
            "Fixed in two minutes"
        )
        shot(agent, "09_agent_sees_rating")
    finally:
        expect.set_options(timeout=5_000)
        for page, name in ((customer, "customer"), (agent, "agent"), (agent2, "agent2")):
            if not page.is_closed():
                shot(page, f"zz_last_{name}")
        for context in contexts:
            context.close()
