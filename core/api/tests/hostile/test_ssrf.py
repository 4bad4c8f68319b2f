"""SSRF in webhooks and mailboxes: URLs and hosts that lead back into our own network.

Advisory: osTicket CVE-2020-24881 (SSRF through a configurable URL). Loopback, private,
link-local and metadata addresses in every spelling (decimal, hex, octal, IPv4-mapped
IPv6) are refused when a webhook or mailbox is saved *and* when it connects; redirects are
never followed; a name that resolves to a public address at save time and to a private one
at connect time (DNS rebinding) is refused at connect time.

The rebinding tests stand a scripted resolver in for DNS (`socket.getaddrinfo`): the one
place a test cannot use the real thing, since it needs a name whose answer changes.
"""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from email_channel.imap import _connect
from email_channel.imap_hosts import HostRefusedError
from email_channel.models import Mailbox
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.http_receiver import start_receiver
from tickets.tests.helpers import call
from webhooks import ssrf
from webhooks.models import WebhookSubscription

from .payloads import SSRF_HOSTS

ADVISORY_CLASS = "SSRF (webhooks, mailboxes)"
pytestmark = pytest.mark.django_db
PUBLIC = "93.184.216.34"
URL_SHAPES = ["http://{h}/hook", "https://{h}:8443/x?y=1", "http://{h}:6379/"]


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    r.stop()


class Rebinding:
    """A resolver for one name: the answers in order, then the last one for ever."""

    def __init__(self, monkeypatch, name: str, *answers: str) -> None:
        self.name, self.answers, self.calls = name, list(answers), 0
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host != name:
                return real(host, port, *args, **kwargs)
            address = self.answers[min(self.calls, len(self.answers) - 1)]
            self.calls += 1
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port or 0))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_webhook_urls_refused_when_saved(two_tenants, tally):
    admin = session_client(two_tenants.a.admin)
    with tenant_context(two_tenants.a.tenant.id):
        existing = WebhookSubscription.objects.create(
            tenant=two_tenants.a.tenant,
            url="https://hooks.example/x",
            event_types=["ticket.created"],
            secret="s" * 32,
        )
    for host in SSRF_HOSTS:
        for shape in URL_SHAPES:
            url = shape.format(h=host)
            created = call(admin, "post", "/api/v1/webhooks", {"url": url, "event_types": ["ticket.created"]})
            tally.judge(url, "POST /webhooks", status=created.status_code, harmless=False)
            patched = call(admin, "patch", f"/api/v1/webhooks/{existing.id}", {"url": url})
            tally.judge(url, "PATCH /webhooks", status=patched.status_code, harmless=False)
    tally.assert_held()


def test_webhook_urls_refused_when_connecting(tally):
    """Rows saved before a rule existed, or by an operator, are vetted again at send time."""
    for host in SSRF_HOSTS:
        for shape in URL_SHAPES:
            url = shape.format(h=host)
            try:
                status = ssrf.post(url, b"{}", {}, timeout=2)
            except ssrf.UnsafeTargetError:
                tally.rejected(url, "webhook send")
            else:
                tally.failed(url, "webhook send", f"was sent (HTTP {status})")
    tally.assert_held()


def test_redirects_are_not_followed(settings, receiver, tally):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # to reach the local redirector at all

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", receiver.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    redirector = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{redirector.server_address[1]}/hook"
        status = ssrf.post(url, b"{}", {}, timeout=5)
        followed = bool(receiver.received)
        tally.judge(f"307 -> {receiver.url}", "webhook redirect", status=200, harmless=status == 307 and not followed,
                    detail=f"the redirect target got {len(receiver.received)} request(s)")  # fmt: skip
    finally:
        redirector.shutdown()
        redirector.server_close()
    tally.assert_held()


def test_dns_rebinding_is_caught_at_connect_time(two_tenants, monkeypatch, receiver, tally):
    admin = session_client(two_tenants.a.admin)
    port = receiver.server.server_address[1]
    for private in ("127.0.0.1", "::ffff:127.0.0.1"):
        name = f"rebind{len(tally.failures)}-{private.replace(':', '')}.example"
        Rebinding(monkeypatch, name, PUBLIC, private)
        url = f"http://{name}:{port}/hook"
        saved = call(admin, "post", "/api/v1/webhooks", {"url": url, "event_types": ["ticket.created"]})
        assert saved.status_code == 201, saved.content  # public when saved
        try:
            ssrf.post(url, b"{}", {}, timeout=2)
        except ssrf.UnsafeTargetError:
            tally.rejected(url, "webhook send after rebinding")
        else:
            tally.failed(url, "webhook send after rebinding", "reached the private address")
    # A name with one public and one private answer is refused outright.
    Rebinding(monkeypatch, "mixed.example", PUBLIC)
    monkeypatch.setattr(ssrf.socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80)),
    ])  # fmt: skip
    mixed = call(
        admin, "post", "/api/v1/webhooks", {"url": "http://mixed.example/", "event_types": ["ticket.created"]}
    )
    tally.judge(
        "mixed.example (public + metadata)", "POST /webhooks", status=mixed.status_code, harmless=False
    )
    assert not receiver.received
    tally.assert_held()


def _mailbox_body(host: str) -> dict:
    return {"address": "help@acme.example", "host": host, "port": 993, "username": "u", "password": "p"}


def test_mailbox_hosts_refused_when_saved_or_polled(two_tenants, tally):
    admin = session_client(two_tenants.a.admin)
    for raw in SSRF_HOSTS:
        host = raw.strip("[]")
        response = call(admin, "post", "/api/v1/email/mailboxes", _mailbox_body(host))
        if response.status_code >= 400:
            tally.judge(host, "POST /email/mailboxes", status=response.status_code, harmless=False)
            continue
        # Saved (it did not resolve then): the poll must still refuse to connect.
        with tenant_context(two_tenants.a.tenant.id):
            mailbox = Mailbox.objects.get(id=response.json()["id"])
            try:
                _connect(mailbox).logout()
            except (HostRefusedError, OSError):
                tally.neutralised(host, "mailbox poll")
            else:
                tally.failed(host, "mailbox poll", "connected")
            mailbox.delete()
    tally.assert_held()


def test_mailbox_dns_rebinding_is_caught_at_poll_time(two_tenants, monkeypatch, tally):
    admin = session_client(two_tenants.a.admin)
    for private in ("127.0.0.1", "169.254.169.254", "::1"):
        name = f"imap-{private.replace(':', '').replace('.', '-')}.example"
        Rebinding(monkeypatch, name, PUBLIC, private)
        response = call(admin, "post", "/api/v1/email/mailboxes", _mailbox_body(name))
        assert response.status_code == 201, response.content
        with tenant_context(two_tenants.a.tenant.id):
            mailbox = Mailbox.objects.get(id=response.json()["id"])
            try:
                _connect(mailbox).logout()
            except HostRefusedError:
                tally.rejected(name, "mailbox poll after rebinding")
            except OSError as exc:
                tally.failed(name, "mailbox poll after rebinding", f"tried to connect ({exc})")
            else:
                tally.failed(name, "mailbox poll after rebinding", "connected")
            mailbox.delete()
    tally.assert_held()
