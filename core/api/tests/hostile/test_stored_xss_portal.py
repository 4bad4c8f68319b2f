"""Stored XSS, the portal's half: hostile subjects, names, team and field labels, message
bodies and knowledge base articles rendered by the real portal in Debian's Chromium.

Advisories: django-helpdesk CVE-2021-3945, osTicket CVE-2022-1316 (the same class as
`test_stored_xss.py`, which checks what the API hands out). A page passes when no payload
ran (`window.__pwned` unset, no dialog) and the console shows no error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from portal_host.tests.conftest import LiveCore
from portal_host.tests.test_browser import sign_in

from .ledger import Tally
from .payloads import XSS, XSS_SHORT

ADVISORY_CLASS = "stored XSS"
pytestmark = pytest.mark.committed


@pytest.fixture
def hostile_acme(demo: None) -> dict[str, Any]:
    """Acme's demo data, plus hostile text in every field the agent and customer pages show."""
    from accounts.models import User
    from kb.services import article_create
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.selectors import membership_list, tenant_by_slug
    from tenancy.services import team_create
    from tickets.services.fields import custom_field_create
    from tickets.services.tickets import ticket_create

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    User.objects.filter(email="customer@acme.test").update(full_name=XSS_SHORT[0])
    with tenant_context(acme.id):
        customer = membership_list(tenant=acme, role=Role.CUSTOMER).get(user__email="customer@acme.test")
        agent = membership_list(tenant=acme, role=Role.AGENT).get(user__email="agent@acme.test")
        team = team_create(tenant=acme, name=XSS_SHORT[1])
        custom_field_create(tenant=acme, key="hostile", label=XSS_SHORT[2], field_type="text")
        tickets = [
            ticket_create(
                tenant=acme, actor=agent, requester_id=customer.id, subject=f"{payload} zebra", body_html="".join(XSS),
                custom_fields={"hostile": payload}, team_id=team.id,
            ).ticket.id
            for payload in XSS_SHORT
        ]  # fmt: skip
        article = article_create(
            tenant=acme, author=None, title=f"{XSS_SHORT[0]} zebra", body="".join(XSS),
            body_format="html", status="published",
        )  # fmt: skip
    return {"tickets": tickets, "article": article.slug}


def _new_page(chromium: Any) -> Any:
    """A fresh context whose realtime socket opens on a silent stand-in: this test runs no
    gateway, and a refused socket would be a console error that is not the payloads' doing."""
    context = chromium.new_context()
    context.route_web_socket(re.compile(r"/ws(\?|$)"), lambda ws: None)
    return context.new_page()


class PageWatch:
    """Every sign that something ran: dialogs, uncaught errors, console errors."""

    def __init__(self, page: Any) -> None:
        self.page, self.events = page, []
        page.on("dialog", lambda d: (self.events.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.events.append(f"page error: {e}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # The portal asks who is signed in before anyone is: that 401 is the expected answer.
        anonymous_probe = (
            message.location.get("url", "").endswith("/api/v1/auth/me") and "401" in message.text
        )
        if message.type == "error" and not anonymous_probe:
            self.events.append(f"console error: {message.text} at {message.location.get('url')}")

    def verdict(self, tally: Any, where: str, payloads: list[str]) -> None:
        self.page.wait_for_load_state("networkidle")
        ran = self.page.evaluate(
            "() => window.__pwned === 1 || (window.parent && window.parent.__pwned === 1)"
        )
        problems = [*self.events, *(["window.__pwned was set"] if ran else [])]
        for payload in payloads:
            if problems:
                tally.failed(payload, where, "; ".join(problems))
            else:
                tally.neutralised(payload, where)
        self.events.clear()


def test_hostile_data_renders_inert_for_agent_customer_and_visitor(
    hostile_acme: dict[str, Any], live_core: LiveCore, chromium: Any, tally: Any
) -> None:
    pages = []
    try:
        agent = _new_page(chromium)
        pages.append(agent)
        watch = PageWatch(agent)
        sign_in(agent, live_core, "acme", "agent@acme.test")
        expect(agent).to_have_url(re.compile(r"/agent/inbox/mine$"))
        agent.goto(live_core.url("acme", "/agent/inbox/all"))
        expect(agent.get_by_text("zebra").first).to_be_visible()
        watch.verdict(tally, "agent inbox (subjects, requester names)", [*XSS_SHORT, XSS_SHORT[0]])
        for ticket_id, payload in zip(hostile_acme["tickets"], XSS_SHORT, strict=True):
            agent.goto(live_core.url("acme", f"/agent/tickets/{ticket_id}"))
            expect(agent.get_by_role("heading", name=re.compile("zebra"))).to_be_visible()
            watch.verdict(tally, "agent ticket page (subject, body, field, team)", [payload, *XSS])
        agent.get_by_label("Search tickets").fill("zebra")
        expect(agent.locator("#ticket-search-results mark").first).to_be_visible()
        watch.verdict(tally, "agent search box (subject_html)", XSS_SHORT)
        agent.goto(live_core.url("acme", "/agent/teams"))
        expect(agent.get_by_role("list", name="Teams")).to_contain_text(XSS_SHORT[1])
        watch.verdict(tally, "teams page (team name)", [XSS_SHORT[1]])

        customer = _new_page(chromium)
        pages.append(customer)
        watch = PageWatch(customer)
        sign_in(customer, live_core, "acme", "customer@acme.test")
        expect(customer.get_by_role("list", name="My requests")).to_contain_text("zebra")
        watch.verdict(tally, "customer's requests (subjects, own name)", XSS_SHORT)
        customer.goto(live_core.url("acme", f"/portal/tickets/{hostile_acme['tickets'][0]}"))
        expect(customer.get_by_role("list", name="Conversation")).to_be_visible()
        watch.verdict(tally, "customer's ticket page (body)", XSS)

        visitor = _new_page(chromium)
        pages.append(visitor)
        watch = PageWatch(visitor)
        visitor.goto(live_core.url("acme", f"/help/articles/{hostile_acme['article']}"))
        expect(visitor.get_by_role("heading", name=re.compile("zebra"))).to_be_visible()
        watch.verdict(tally, "KB article page (title, body_html)", [XSS_SHORT[0], *XSS])
        visitor.goto(live_core.url("acme", "/help/search?q=zebra"))
        expect(visitor.get_by_role("list", name="Search results")).to_contain_text("zebra")
        watch.verdict(tally, "KB search page (snippet_html)", [XSS_SHORT[0], *XSS])
    finally:
        for page in pages:
            page.context.close()
    tally.assert_held()


def test_the_watch_sees_a_payload_that_runs(chromium: Any, console_errors: Any) -> None:
    """The check above can fail: a page where the payload is not escaped is caught."""
    console_errors.expect("^boom")  # provoked on purpose; the suite-wide guard must let it pass
    page = _new_page(chromium)
    try:
        watch = PageWatch(page)
        page.set_content(f"<p>{XSS_SHORT[0]}</p><script>console.error('boom')</script>")
        page.wait_for_function("() => window.__pwned === 1")
        counter = Tally(ADVISORY_CLASS, record=False)
        watch.verdict(counter, "raw page", [XSS_SHORT[0]])
        assert counter.failures and "window.__pwned was set" in counter.failures[0]
        assert "console error: boom" in counter.failures[0]
    finally:
        page.context.close()
