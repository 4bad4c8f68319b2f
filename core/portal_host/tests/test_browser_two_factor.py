"""Two-factor sign-in in real Chromium against live core: the code step after the password
(a wrong code is refused with its message, the right one signs in), and a desk that requires
it leading an agent through the set-up (QR code, first code, recovery codes) to the inbox.
Codes come from pyotp with the secret, as an authenticator app computes them."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import two_factor
from accounts.models import TotpDevice
from testing.factories import make_member, make_tenant, make_user

PASSWORD = "correct horse battery"
SECRET = pyotp.random_base32(32)


def _fresh_step() -> None:
    """Not in the last seconds of a 30 s step: the code typed is still current when checked."""
    if time.time() % 30 > 24:
        time.sleep(30 - time.time() % 30 + 0.2)


@pytest.fixture
def desk(committed: None) -> dict[str, Any]:
    tenant = make_tenant("twofa")
    with_app = make_member(tenant, "agent", make_user("ada@twofa.test", PASSWORD, full_name="Ada Agent"))
    TotpDevice.objects.create(user=with_app.user, secret=two_factor.seal(SECRET), confirmed_at=timezone.now())
    make_member(tenant, "agent", make_user("ben@twofa.test", PASSWORD, full_name="Ben Agent"))
    strict = make_tenant("strict")
    tenant_settings = {"security": {"two_factor_required_for_staff": True}}
    type(strict).objects.filter(id=strict.id).update(settings=tenant_settings)
    make_member(strict, "agent", make_user("cleo@strict.test", PASSWORD, full_name="Cleo Agent"))
    return {"tenant": tenant}


def _password_step(page: Any, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_password_then_code(desk, live_core, page, console_errors: Any):
    console_errors.expect(r"status of 401 .*/api/v1/auth/login/code")  # the wrong code this test types first
    _password_step(page, live_core.url("twofa", "/login"), "ada@twofa.test")
    code_field = page.get_by_label("Code from your authenticator app (or a recovery code)")
    expect(code_field).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)

    code_field.fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not valid.")

    _fresh_step()
    code_field.fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Ada Agent")
    expect(page).to_have_url(live_core.url("twofa", "/agent/inbox/mine"))


def test_required_for_staff_leads_through_the_set_up(desk, live_core, page):
    _password_step(page, live_core.url("strict", "/login"), "cleo@strict.test")
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    _fresh_step()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Cleo Agent")

    page.get_by_role("link", name="Security").click()
    expect(page.get_by_test_id("two-factor-state")).to_contain_text("On. 10 recovery codes left.")
    expect(page.get_by_text("This desk requires it for staff, so it stays on.")).to_be_visible()
