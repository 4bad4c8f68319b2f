"""Session hygiene with real parts: sessions in the Redis session store, signed in through the
API, and sockets on a real realtime gateway process, closed when the person's access changes.

Covers the advisory classes of issue #20:
* "sessions alive after password change" (Chatwoot CVE-2021-3740): a password change ends
  every other session and socket of the person at once; the session that changed it stays;
  a password reset ends them all.
* "access after revocation" (FreeScout CVE-2026-48811): deactivation or a role change ends the
  member's sessions and sockets in that tenant at once, and a connection token fetched just
  before cannot open a socket after; API tokens can be read-only, limited to areas, and expire.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken, AuditEvent
from accounts.services.selfservice import reset_tokens
from accounts.services.users import api_token_create
from accounts.session_registry import sessions_of
from realtime.tests import support
from tenancy.context import tenant_context
from testing.factories import host_for, make_member, make_tenant, make_user

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(scope="module")
def gateway() -> Iterator[support.GatewayProcess]:
    process = support.GatewayProcess(settings.REDIS_URL)
    yield process
    process.stop()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()


@pytest.fixture(autouse=True)
def _shared_realtime_secret(settings) -> None:
    settings.REALTIME_SECRET = support.SECRET


class Browser:
    def __init__(self, tenant) -> None:
        self.tenant = tenant
        self.client = Client(enforce_csrf_checks=True, HTTP_HOST=host_for(tenant))
        self.client.get("/api/v1/auth/csrf")

    def post(self, path: str, body: dict | None = None):
        return self.client.post(
            path,
            json.dumps(body or {}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=self.client.cookies["csrftoken"].value,
        )

    def login(self, email: str, password: str = PASSWORD) -> Browser:
        response = self.post("/api/v1/auth/login", {"email": email, "password": password})
        assert response.status_code == 200, response.content
        return self

    @property
    def session_key(self) -> str:
        return self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def me(self) -> int:
        return self.client.get("/api/v1/auth/me").status_code

    def socket_url(self, gateway: support.GatewayProcess) -> str:
        response = self.post("/api/v1/realtime/token")
        assert response.status_code == 200, response.content
        return support.ws_url(gateway.url, response.json()["token"])

    @property
    def origin(self) -> str:
        return f"http://{host_for(self.tenant)}"


def _open(loop, browser: Browser, gateway):
    return loop.run_until_complete(support.open_socket(browser.socket_url(gateway), origin=browser.origin))


def _closed_with(loop, ws) -> tuple[int | None, str]:
    _, code, reason = loop.run_until_complete(support.read_until_closed(ws, timeout=5))
    return code, reason


def _still_open(loop, ws) -> bool:
    async def ping() -> bool:
        await ws.send(json.dumps({"op": "ping"}))
        messages = await support.receive_until(ws, lambda m: m["type"] == "realtime.pong", timeout=5)
        return bool(messages)

    return loop.run_until_complete(ping())


def _agent(tenant, email: str):
    return make_member(tenant, "agent", make_user(email, PASSWORD))


@pytest.mark.usefixtures("committed")
def test_password_change_ends_every_other_session_and_socket_but_this_one(gateway, loop):
    tenant = make_tenant("hyg-a")
    member = _agent(tenant, "alice@hyg-a.test")
    here, laptop, phone = (Browser(tenant).login(member.user.email) for _ in range(3))
    assert len(sessions_of(user_id=member.user_id)) == 3
    here_socket, laptop_socket = _open(loop, here, gateway), _open(loop, laptop, gateway)
    laptop_key = laptop.session_key

    changed = here.post("/api/v1/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204, changed.content

    assert _closed_with(loop, laptop_socket)[0] == 4401
    assert _still_open(loop, here_socket), "the socket of the session that changed it stays"
    assert here.me() == 200
    assert laptop.me() == 401 and phone.me() == 401
    assert not SessionStore(laptop_key).exists(laptop_key), "deleted from the session store, not only refused"
    assert list(sessions_of(user_id=member.user_id)) == [here.session_key]
    with tenant_context(tenant.id):
        assert AuditEvent.objects.filter(action="auth.login_failed").count() == 0
    Browser(tenant).login(member.user.email, NEW_PASSWORD)
    loop.run_until_complete(here_socket.close())


@pytest.mark.usefixtures("committed")
def test_wrong_current_password_changes_nothing_and_is_audited(gateway, loop):
    tenant = make_tenant("hyg-b")
    member = _agent(tenant, "bob@hyg-b.test")
    here, other = Browser(tenant).login(member.user.email), Browser(tenant).login(member.user.email)
    refused = here.post(
        "/api/v1/auth/password", {"current_password": "wrong one!", "new_password": NEW_PASSWORD}
    )
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    weak = here.post("/api/v1/auth/password", {"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422
    assert other.me() == 200
    with tenant_context(tenant.id):
        assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1
    # Another tenant's host: this session is nobody there.
    other_tenant = make_tenant("hyg-b2")
    elsewhere = here.client.post(
        "/api/v1/auth/password",
        json.dumps({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        content_type="application/json",
        HTTP_HOST=host_for(other_tenant),
        HTTP_X_CSRFTOKEN=here.client.cookies["csrftoken"].value,
    )
    assert elsewhere.status_code == 404


@pytest.mark.usefixtures("committed")
def test_password_reset_ends_all_sessions_and_sockets(gateway, loop):
    tenant = make_tenant("hyg-c")
    member = _agent(tenant, "carol@hyg-c.test")
    browser = Browser(tenant).login(member.user.email)
    ws = _open(loop, browser, gateway)
    uid = urlsafe_base64_encode(force_bytes(member.user.pk))
    member.user.refresh_from_db()  # signing in set last_login, which the reset token covers
    token = reset_tokens(tenant).make_token(member.user)  # links are salted per tenant
    reset = Browser(tenant).post(
        "/api/v1/auth/password-reset/confirm", {"uid": uid, "token": token, "password": NEW_PASSWORD}
    )
    assert reset.status_code < 300, reset.content
    assert _closed_with(loop, ws)[0] == 4401
    assert browser.me() == 401
    assert sessions_of(user_id=member.user_id) == {}


@pytest.mark.usefixtures("committed")
def test_deactivation_ends_sessions_and_sockets_in_that_tenant_only(gateway, loop):
    tenant_a, tenant_b = make_tenant("hyg-d"), make_tenant("hyg-e")
    admin = make_member(tenant_a, "admin", make_user("admin@hyg-d.test", PASSWORD))
    member = _agent(tenant_a, "dave@hyg-d.test")
    make_member(tenant_b, "agent", member.user)
    on_a, on_b = Browser(tenant_a).login(member.user.email), Browser(tenant_b).login(member.user.email)
    socket_a, socket_b = _open(loop, on_a, gateway), _open(loop, on_b, gateway)
    early_token_url = on_a.socket_url(gateway)  # fetched just before the deactivation

    admin_browser = Browser(tenant_a).login(admin.user.email)
    response = admin_browser.client.patch(
        f"/api/v1/members/{member.id}",
        json.dumps({"active": False}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=admin_browser.client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content

    code, reason = _closed_with(loop, socket_a)
    assert code == 4401 and "sign in again" in reason
    assert on_a.me() in (401, 404)
    late = loop.run_until_complete(support.close_code_of(early_token_url, origin=on_a.origin))
    assert late == 4401, "a token issued before the revocation opens no socket after it"
    # Tenant B is another desk: there the person is still a member, signed in and connected.
    assert _still_open(loop, socket_b) and on_b.me() == 200
    loop.run_until_complete(socket_b.close())


@pytest.mark.usefixtures("committed")
def test_role_change_ends_the_sessions_opened_under_the_old_role(gateway, loop):
    tenant = make_tenant("hyg-f")
    owner = make_member(tenant, "owner", make_user("owner@hyg-f.test", PASSWORD))
    member = _agent(tenant, "erin@hyg-f.test")
    browser = Browser(tenant).login(member.user.email)
    ws = _open(loop, browser, gateway)
    owner_browser = Browser(tenant).login(owner.user.email)
    response = owner_browser.client.patch(
        f"/api/v1/members/{member.id}",
        json.dumps({"role": "customer"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=owner_browser.client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.content
    assert _closed_with(loop, ws)[0] == 4401
    assert browser.me() == 401
    assert owner_browser.me() == 200, "the admin who changed it keeps their session"


@pytest.mark.usefixtures("committed")
def test_scoped_and_expiring_tokens():
    tenant = make_tenant("hyg-g")
    member = _agent(tenant, "frank@hyg-g.test")
    browser = Browser(tenant).login(member.user.email)
    created = browser.post(
        "/api/v1/tokens", {"name": "reader", "read_only": True, "areas": ["tickets", "tokens"]}
    )
    assert created.status_code == 201, created.content
    assert created.json()["read_only"] is True and created.json()["areas"] == ["tickets", "tokens"]
    reader = Client(HTTP_HOST=host_for(tenant), HTTP_AUTHORIZATION=f"Bearer {created.json()['token']}")
    assert reader.get("/api/v1/tickets").status_code == 200
    write = reader.post("/api/v1/tickets", json.dumps({"subject": "x"}), content_type="application/json")
    assert write.status_code == 403 and write.json()["detail"] == "This token is read-only."
    outside = reader.get("/api/v1/members")
    assert (
        outside.status_code == 403 and outside.json()["detail"] == "This token may only use: tickets, tokens."
    )
    mint = reader.post("/api/v1/tokens", json.dumps({"name": "escalate"}), content_type="application/json")
    assert mint.status_code == 403

    bad_area = browser.post("/api/v1/tokens", {"name": "x", "areas": ["../admin"]})
    assert bad_area.status_code == 422 and "areas" in bad_area.json()["errors"]
    expiring = browser.post("/api/v1/tokens", {"name": "short", "expires_in_days": 1})
    assert expiring.status_code == 201
    raw = expiring.json()["token"]
    short = Client(HTTP_HOST=host_for(tenant), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert short.get("/api/v1/auth/me").status_code == 200
    with tenant_context(tenant.id):
        ApiToken.objects.filter(id=expiring.json()["id"]).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    assert short.get("/api/v1/auth/me").status_code == 401

    # Two tenants: a token of A on B's host is nobody; the scope of B's token is its own.
    other = make_tenant("hyg-h")
    other_member = _agent(other, "gina@hyg-h.test")
    with tenant_context(other.id):
        _, raw_b = api_token_create(tenant=other, membership=other_member, name="b", read_only=True)
    assert reader.get("/api/v1/tickets", HTTP_HOST=host_for(other)).status_code == 404
    b_client = Client(HTTP_HOST=host_for(other), HTTP_AUTHORIZATION=f"Bearer {raw_b}")
    assert b_client.get("/api/v1/members").status_code == 200
    assert (
        b_client.post(
            "/api/v1/tokens", json.dumps({"name": "z"}), content_type="application/json"
        ).status_code
        == 403
    )
