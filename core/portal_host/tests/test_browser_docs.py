"""The API documentation (/api/v1/docs) renders in a real browser under the app's own CSP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore

pytestmark = pytest.mark.committed


def test_api_docs_render_operations_from_local_assets(demo: None, live_core: LiveCore, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_core.url("acme", "/api/v1/docs"))
    # Swagger UI ran (its script is allowed by `script-src 'self'`) and listed the operations
    expect(page.get_by_role("heading", name=re.compile("Frontline API"))).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/tickets").first).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 50
    # from this server only: no CDN (and the chromium fixture fails on any console error)
    origin = live_core.url("acme", "")
    assert [url for url in requested if not url.startswith(origin)] == []
