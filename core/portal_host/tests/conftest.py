"""Fixtures of the portal's tests: a live core server on a real port, and headless Chromium."""

from __future__ import annotations

import os
import re
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
def live_core(committed: None, console_errors: ConsoleErrors) -> Iterator[LiveCore]:
    """Core's full WSGI stack (whitenoise included, as in production) on 127.0.0.1:<free port>.
    Without the realtime gateway (the end-to-end `stack` has one): the workspace's attempts to
    open its WebSocket are refused, the one console error these tests expect."""
    console_errors.expect(
        rf"WebSocket connection to 'ws://[^/']+:{settings.REALTIME_PORT}/ws.*ERR_CONNECTION_REFUSED"
    )
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

    seed_demo(history=False)


@pytest.fixture
def demo_with_history(committed: None) -> None:
    """The whole first-run demo: help centre, four weeks of labelled history, SLA states."""
    from demo.seed import seed_demo

    seed_demo()


class ConsoleErrors:
    """Every console error and uncaught exception of a test's pages. The `chromium` fixture fails
    the test on any that the test did not announce with `expect(pattern)` (a test that signs
    in with a wrong password expects the browser's "401" line, nothing else)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.expected: list[re.Pattern[str]] = []

    def expect(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))

    def watch(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.seen.append(f"uncaught: {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.seen.append(f"{message.text} ({where})")

    def unexpected(self) -> list[str]:
        return [line for line in self.seen if not any(p.search(line) for p in self.expected)]


@pytest.fixture
def console_errors() -> ConsoleErrors:
    return ConsoleErrors()


class WatchedBrowser:
    """The Playwright browser, whose every new context reports its pages' console errors."""

    def __init__(self, browser: Any, console_errors: ConsoleErrors) -> None:
        self._browser, self._console_errors = browser, console_errors

    def new_context(self, **options: Any) -> Any:
        context = self._browser.new_context(**options)
        context.on("page", self._console_errors.watch)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture
def chromium(console_errors: ConsoleErrors) -> Iterator[Any]:
    """Headless Chromium. A console error or uncaught exception on any page of the test fails
    it, unless the test announced it with `console_errors.expect(pattern)`."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs it (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield WatchedBrowser(browser, console_errors)
        finally:
            browser.close()
    unexpected = console_errors.unexpected()
    if unexpected:
        pytest.fail("The browser logged errors:\n" + "\n".join(unexpected), pytrace=False)


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
