"""A day's work without the API by hand, in a real browser: a customer's formatted request with a
file; an agent judging the AI's suggestions, replying and noting with files, linking by a search
pick and merging by ticket number; saved views created, renamed, refiltered and deleted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import open_new_request, sign_in

pytestmark = pytest.mark.committed


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_customer_sends_a_formatted_request_with_a_file(
    printer_article: None, live_core: LiveCore, chromium: Any
) -> None:
    customer = chromium.new_context().new_page()
    agent = chromium.new_context().new_page()
    try:
        # Given a customer on the new request form
        form = open_new_request(customer, live_core)
        form.get_by_label("Subject").fill("Printer jam E-104")
        # An empty description is refused with a message, not sent
        form.get_by_role("button", name="Send request").click()
        expect(form.get_by_text("Describe your request.")).to_be_visible()
        description = form.get_by_role("textbox", name="How can we help?")
        expect(description).to_be_focused()
        # When they write with bold (keyboard) and a bulleted list (toolbar)
        customer.keyboard.type("The printer shows ")
        customer.keyboard.press("Control+B")
        customer.keyboard.type("E-104")
        customer.keyboard.press("Control+B")
        customer.keyboard.type(" in the morning.")
        customer.keyboard.press("Enter")
        form.get_by_role("button", name="Bulleted list").click()
        expect(form.get_by_role("button", name="Bulleted list")).to_have_attribute("aria-pressed", "true")
        customer.keyboard.type("tray 2 jams")
        customer.keyboard.press("Enter")
        customer.keyboard.type("paper jam light blinks")
        # then an article matching what they type is suggested as they write
        suggestions = customer.get_by_role("region", name="Suggested articles")
        expect(suggestions.get_by_role("link", name="Clearing a printer paper jam")).to_be_visible()
        # and they attach a log and send
        form.get_by_label("Attachments").set_input_files(
            files=[{"name": "printer.log", "mimeType": "text/plain", "buffer": b"E-104 tray 2\n" * 50}]
        )
        expect(form.get_by_role("list", name="Files to send")).to_contain_text("printer.log")
        form.get_by_role("button", name="Send request").click()
        expect(customer.get_by_role("heading", name="Printer jam E-104")).to_be_visible()
        conversation = customer.get_by_role("list", name="Conversation")
        # Then the formatting survives core's sanitizing and shows in the conversation
        expect(conversation.locator("b, strong", has_text="E-104")).to_be_visible()
        expect(conversation.locator(".message__body ul li")).to_have_text(
            ["tray 2 jams", "paper jam light blinks"]
        )
        expect(conversation.get_by_role("link", name="printer.log")).to_be_visible()

        # and the agent sees the same formatted description
        sign_in(agent, live_core, "acme", "agent@acme.test")
        expect(agent).to_have_url(re.compile("/agent/"))
        agent.goto(live_core.url("acme", _path(customer.url).replace("/portal/", "/agent/")))
        agent_conversation = agent.get_by_role("list", name="Conversation")
        expect(agent_conversation.locator("b, strong", has_text="E-104")).to_be_visible()
        expect(agent_conversation.locator(".message__body ul li").first).to_have_text("tray 2 jams")
    finally:
        for page, name in ((customer, "customer"), (agent, "agent")):
            page.screenshot(path=str(_artifact(f"workday_formatted_request_{name}.png")), full_page=True)
            page.context.close()


@dataclass
class Pair:
    first_id: int
    first_number: int
    second_id: int
    second_number: int


@pytest.fixture
def printer_pair(demo: None) -> Pair:
    """Two tickets about printers; the AI has predicted a category and a priority for the first."""
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.selectors import membership_list, tenant_by_slug
    from tickets.services.tickets import ticket_create
    from triage.services import ticket_triage_apply

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    with tenant_context(acme.id):
        customer = membership_list(tenant=acme, role=Role.CUSTOMER).first()
        first = ticket_create(
            tenant=acme, actor=customer, subject="Toner smudges every page", body_text="Grey stripes."
        ).ticket
        second = ticket_create(
            tenant=acme, actor=customer, subject="Printer on floor 3 prints stripes", body_text="Same?"
        ).ticket
    ticket_triage_apply(
        tenant=acme,
        ticket_id=first.id,
        result={
            "category": {"enabled": True, "label": "billing", "confidence": 0.61, "model_version": 3},
            "priority": {"label": "high", "confidence": 0.55, "source": "model", "model_version": 2},
            "sentiment": {"label": "negative", "score": -0.4, "confidence": 0.8},
            "language": {"code": "en", "confidence": 0.99},
        },
    )
    return Pair(first.id, first.number, second.id, second.number)


def _agent_opens(page: Any, core: LiveCore, ticket_id: int) -> None:
    """Signs the demo agent in, saying yes to every confirmation, and opens a ticket."""
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, core, "acme", "agent@acme.test")
    expect(page).to_have_url(re.compile("/agent/inbox/mine"))
    page.goto(core.url("acme", f"/agent/tickets/{ticket_id}"))


def test_agent_judges_ai_replies_with_files_links_and_merges_by_number(
    printer_pair: Pair, live_core: LiveCore, page: Any
) -> None:
    _agent_opens(page, live_core, printer_pair.first_id)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Toner smudges every page")

    # The AI's priority is accepted and its category corrected, each recorded as such
    ai = page.get_by_role("region", name="AI suggestions")
    expect(page.get_by_test_id("ai-priority-outcome")).to_have_text("not reviewed")
    ai.get_by_role("button", name="Accept priority high").click()
    expect(ai.get_by_text("Recorded: priority accepted.")).to_be_visible()
    expect(page.get_by_test_id("ai-priority-outcome")).to_have_text("accepted")
    expect(page.get_by_label("Priority", exact=True)).to_have_value("high")
    correct = ai.get_by_role("form", name="Correct the category")
    correct.get_by_label("Correct category").fill("hardware")
    correct.get_by_role("button", name="Correct").click()
    expect(page.get_by_test_id("ai-category-outcome")).to_have_text("corrected to hardware")
    page.reload()
    expect(page.get_by_test_id("ai-category-outcome")).to_have_text("corrected to hardware")

    # A public reply with a file chosen in the picker
    composer = page.get_by_role("form", name="Composer")
    composer.get_by_label("Reply to the customer").fill("Here are the cleaning steps.")
    composer.get_by_label("Attachments").set_input_files(
        files=[{"name": "cleaning-steps.txt", "mimeType": "text/plain", "buffer": b"1. open\n2. wipe\n"}]
    )
    composer.get_by_role("button", name="Send reply").click()
    reply = page.locator("[data-kind=reply]").last
    expect(reply).to_contain_text("Here are the cleaning steps.")
    expect(reply.get_by_role("link", name="cleaning-steps.txt")).to_be_visible()
    expect(composer.get_by_role("list", name="Files to send")).to_have_count(0)

    # An internal note with a dropped file; a file over 25 MB is refused before any upload
    composer.get_by_label("Internal note", exact=True).check()
    dropzone = composer.get_by_test_id("dropzone")
    too_big = page.evaluate_handle(
        "() => { const d = new DataTransfer();"
        " d.items.add(new File([new Uint8Array(26 * 1024 * 1024)], 'scan.tiff')); return d; }"
    )
    dropzone.dispatch_event("drop", {"dataTransfer": too_big})
    expect(composer.get_by_role("alert")).to_contain_text("scan.tiff: files may be at most 25 MB.")
    photo = page.evaluate_handle(
        "() => { const d = new DataTransfer();"
        " d.items.add(new File(['stripes'], 'stripes.txt', {type: 'text/plain'})); return d; }"
    )
    dropzone.dispatch_event("drop", {"dataTransfer": photo})
    expect(composer.get_by_role("list", name="Files to send")).to_contain_text("stripes.txt")
    composer.get_by_label("Internal note (agents only)").fill("Photo of the stripes from the customer.")
    composer.get_by_role("button", name="Add note").click()
    note = page.locator("[data-kind=note]").last
    expect(note).to_contain_text("Photo of the stripes")
    expect(note.get_by_role("link", name="stripes.txt")).to_be_visible()

    # A link to the other ticket, picked from a search by words
    links = page.get_by_role("region", name="Linked tickets")
    other = links.get_by_role("combobox", name="Other ticket")
    other.fill("floor")
    links.get_by_role("option", name=re.compile(f"#{printer_pair.second_number} Printer on floor 3")).click()
    links.get_by_role("button", name="Link", exact=True).click()
    expect(links.get_by_role("list", name="Links")).to_contain_text(
        f"Related to #{printer_pair.second_number}"
    )

    # Merging into the other ticket by typing its number (keyboard only)
    other.fill(f"#{printer_pair.second_number}")
    expect(links.get_by_role("option").first).to_contain_text(f"#{printer_pair.second_number}")
    other.press("Enter")
    expect(links.get_by_role("group", name="Other ticket")).to_contain_text(f"#{printer_pair.second_number}")
    links.get_by_role("button", name="Merge into").click()
    # Then the agent lands on the target, which now holds the moved conversation and its files
    expect(page).to_have_url(live_core.url("acme", f"/agent/tickets/{printer_pair.second_id}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Printer on floor 3")
    expect(page.get_by_role("list", name="Conversation")).to_contain_text("Here are the cleaning steps.")
    target_links = page.get_by_role("region", name="Linked tickets").get_by_role("list", name="Links")
    expect(target_links).to_contain_text(f"Has duplicate #{printer_pair.first_number}")
    # and the merged ticket says where it went, by number, with a link there
    target_links.get_by_role("link", name=f"#{printer_pair.first_number}").first.click()
    expect(page).to_have_url(live_core.url("acme", f"/agent/tickets/{printer_pair.first_id}"))
    merged = page.get_by_test_id("merged-into")
    expect(merged).to_have_text(f"Merged into #{printer_pair.second_number}.")
    merged.get_by_role("link").click()
    expect(page).to_have_url(live_core.url("acme", f"/agent/tickets/{printer_pair.second_id}"))


def test_agent_saves_renames_refilters_and_deletes_a_view(
    printer_pair: Pair, live_core: LiveCore, page: Any
) -> None:
    # Given the first ticket is tagged "printers" and made urgent
    _agent_opens(page, live_core, printer_pair.first_id)
    page.get_by_label("Tags (comma separated)").fill("printers")
    page.get_by_role("button", name="Save tags").click()
    expect(page.get_by_role("button", name="Save tags")).to_have_count(0)
    page.get_by_label("Priority", exact=True).select_option("urgent")
    expect(page.get_by_label("Priority", exact=True)).to_have_value("urgent")
    page.get_by_role("link", name="← Inbox").click()

    # When the agent saves a view of urgent printer tickets
    page.get_by_role("button", name="+ Save a view").click()
    form = page.get_by_role("form", name="New saved view")
    expect(form.get_by_label("View name")).to_be_focused()
    form.get_by_label("View name").fill("Urgent printers")
    form.get_by_label("urgent").check()
    form.get_by_label("Tags (comma separated; tickets with all of them)").fill("printers")
    form.get_by_role("button", name="Save view").click()
    table = page.get_by_role("table", name="Urgent printers tickets")
    expect(table.get_by_role("link", name="Toner smudges every page")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(
        page.get_by_role("navigation", name="Inbox views").get_by_role("link", name="Urgent printers")
    ).to_be_visible()

    # it renames the view and changes its filter to low priority
    page.get_by_role("button", name="Edit view").click()
    edit = page.get_by_role("form", name="Edit the view “Urgent printers”")
    expect(edit.get_by_label("urgent")).to_be_checked()
    edit.get_by_label("View name").fill("Low printers")
    edit.get_by_label("urgent").uncheck()
    edit.get_by_label("low").check()
    edit.get_by_role("button", name="Save changes").click()
    expect(
        page.get_by_role("navigation", name="Inbox views").get_by_role("link", name="Low printers")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Low printers: empty")).to_be_visible()
    # the change is kept: a reload shows the same view
    page.reload()
    expect(page.get_by_role("heading", name="Low printers: empty")).to_be_visible()

    # and deletes it: back to Mine, the tab is gone
    page.get_by_role("button", name="Delete view").click()
    expect(page).to_have_url(live_core.url("acme", "/agent/inbox/mine"))
    expect(
        page.get_by_role("navigation", name="Inbox views").get_by_role("link", name="Low printers")
    ).to_have_count(0)


def _artifact(name: str) -> Any:
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
