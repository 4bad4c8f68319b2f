"""The help center in a real browser: browse, search, read, vote, and suggestions while typing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import sign_in

pytestmark = pytest.mark.committed


@pytest.fixture
def articles(demo: None) -> None:
    """Two published articles in acme and one in globex (which acme must never show)."""
    from kb.services import article_create, article_set_status, category_create, section_create
    from tenancy.context import tenant_context
    from tenancy.selectors import tenant_by_slug

    def publish(slug: str, title: str, body: str) -> None:
        tenant = tenant_by_slug(slug=slug)
        assert tenant is not None
        with tenant_context(tenant.id):
            category = category_create(tenant=tenant, name="Account")
            section = section_create(tenant=tenant, category=category, name="Signing in")
            article = article_create(tenant=tenant, author=None, title=title, body=body, section=section)
            article_set_status(tenant=tenant, article=article, status="published")

    publish(
        "acme",
        "How to reset your password",
        "Open **Settings**, choose *Reset password* and follow the email link.",
    )
    publish("globex", "Globex password policy", "Passwords at Globex rotate every 90 days.")


def test_visitor_browses_searches_reads_and_votes(articles: None, live_core: LiveCore, page: Any) -> None:
    # Anonymous visitors may read public articles.
    page.goto(live_core.url("acme", "/help"))
    categories = page.get_by_role("list", name="Categories")
    expect(categories.get_by_role("heading", name="Account")).to_be_visible()
    page.get_by_role("link", name="How to reset your password").click()
    expect(page.get_by_role("heading", name="How to reset your password")).to_be_visible()
    expect(page.locator(".article-body strong")).to_have_text("Settings")  # Markdown rendered by core
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status")).to_have_text("Thanks for your feedback!")
    # Search highlights the matching words, and finds nothing of Globex's.
    page.goto(live_core.url("acme", "/help"))
    page.get_by_label("Search the help center").fill("password")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("list", name="Search results")
    expect(results).to_contain_text("How to reset your password")
    expect(results.locator("mark").first).to_be_visible()
    expect(results).not_to_contain_text("Globex")


def test_customer_sees_suggestions_while_typing_a_request(
    articles: None, live_core: LiveCore, page: Any
) -> None:
    sign_in(page, live_core, "acme", "customer@acme.test")
    page.get_by_role("link", name="New request").first.click()
    page.get_by_label("Subject").fill("I forgot my password")
    suggestions = page.get_by_role("region", name="Suggested articles")
    expect(suggestions.get_by_role("link", name="How to reset your password")).to_be_visible()
    expect(suggestions).not_to_contain_text("Globex")
