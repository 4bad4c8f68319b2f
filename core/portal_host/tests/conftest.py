"""Fixtures of the portal's tests: a live core server on a real port, and headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")
# From the machine notes: headless Debian Chromium without sandbox, GPU or phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.REPO_DIR) / "test-output" / "portal"


def require_portal_build() -> None:
    if not (settings.PORTAL_DIST_DIR / "index.html").is_file():
        pytest.fail(f"The portal is not built in {settings.PORTAL_DIST_DIR}: run `make test` (it builds it).")


@dataclass
class LiveCore:
    port: int

    def url(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.{settings.BASE_DOMAIN}:{self.port}{path}"


@pytest.fixture
def live_core(committed: None) -> Iterator[LiveCore]:
    """Core's full WSGI stack (whitenoise included, as in production) on 127.0.0.1:<free port>."""
    require_portal_build()
    thread = LiveServerThread("127.0.0.1", lambda app: app, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    try:
        yield LiveCore(port=thread.port)
    finally:
        thread.terminate()
        thread.join(timeout=10)


@pytest.fixture
def demo(committed: None) -> None:
    """The demo tenants (acme, globex), committed. Request it before `page`: Playwright's
    sync API runs an event loop, inside which Django refuses database calls."""
    from demo.seed import seed_demo

    seed_demo()


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) per test; a screenshot is kept of its last state."""
    context = chromium.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()


@pytest.fixture
def printer_article(demo: None) -> None:
    """A published article the customer's request should bring up as a suggestion."""
    from kb.services import article_create, article_set_status, category_create, section_create
    from tenancy.context import tenant_context
    from tenancy.selectors import tenant_by_slug

    tenant = tenant_by_slug(slug="acme")
    assert tenant is not None
    with tenant_context(tenant.id):
        category = category_create(tenant=tenant, name="Office")
        section = section_create(tenant=tenant, category=category, name="Printers")
        article = article_create(
            tenant=tenant,
            author=None,
            title="Clearing a printer paper jam",
            body="Open tray 2, remove the jammed paper, close the tray. Code E-104 means tray 2.",
            section=section,
        )
        article_set_status(tenant=tenant, article=article, status="published")
