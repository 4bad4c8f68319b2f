"""Spoofed Host and X-Forwarded-* headers.

Advisory: Zammad CVE-2020-26030 (links in mails built from a request's Host header). Reset
and invitation links are built from the tenant's configured origin, whatever Host or
X-Forwarded-Host a request carries; an unknown Host is refused; the client's address is
taken from X-Real-IP only when the direct peer is a trusted proxy.
"""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client, RequestFactory

from config.client_ip import ClientAddressMiddleware
from testing.factories import host_for, session_client
from testing.outbound_mail import deliver_mail
from tickets.tests.helpers import call

ADVISORY_CLASS = "spoofed Host / X-Forwarded-*"
pytestmark = pytest.mark.django_db
EVIL = "evil.attacker.example"
SPOOFS = [
    {"HTTP_X_FORWARDED_HOST": EVIL},
    {"HTTP_X_FORWARDED_HOST": f"{EVIL}, acme.localhost"},
    {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_PORT": "8443"},
    {"HTTP_FORWARDED": f"host={EVIL};proto=https"},
    {"HTTP_X_ORIGINAL_HOST": EVIL},
    {"HTTP_X_HOST": EVIL},
]
BAD_HOSTS = [EVIL, f"acme.localhost.{EVIL}", f"{EVIL}:80", "acme.localhost@evil.example", "localhost\r\nX: y"]


def _links(tenant) -> list[str]:
    deliver_mail()
    return [line for m in mail.outbox for line in m.body.splitlines() if "http" in line]


def test_links_in_mail_never_follow_request_headers(two_tenants, tally):
    tenant = two_tenants.a.tenant
    for spoof in SPOOFS:
        mail.outbox.clear()
        client = Client(HTTP_HOST=host_for(tenant), **spoof)
        reset = client.post("/api/v1/auth/password-reset", json.dumps({"email": two_tenants.a.agent.user.email}),
                            content_type="application/json")  # fmt: skip
        invite = call(session_client(two_tenants.a.admin), "post", "/api/v1/members",
                      {"email": f"new{len(mail.outbox)}{hash(str(spoof)) % 1000}@acme.test", "role": "agent"})  # fmt: skip
        links = _links(tenant)
        bad = [link for link in links if EVIL in link or "8443" in link]
        tally.judge(spoof, "reset and invitation links", status=max(reset.status_code, invite.status_code),
                    harmless=bool(links) and not bad, detail=str(bad or "no link was mailed"))  # fmt: skip
    tally.assert_held()


def test_unknown_hosts_are_refused(two_tenants, tally):
    for host in BAD_HOSTS:
        client = Client(HTTP_HOST=host)
        for path in ("/api/v1/auth/password-reset", "/api/v1/auth/login"):
            response = client.post(path, json.dumps({"email": "agent@acme.test", "password": "x"}),
                                   content_type="application/json")  # fmt: skip
            tally.judge(host, f"Host on {path}", status=response.status_code, harmless=False)
    tally.assert_held()


def test_client_address_only_from_trusted_proxies(settings, tally):
    settings.FRONTLINE_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    middleware = ClientAddressMiddleware(view)
    factory = RequestFactory()
    for spoof in ({"HTTP_X_REAL_IP": "10.9.8.7"}, {"HTTP_X_FORWARDED_FOR": "10.9.8.7"},
                  {"HTTP_X_REAL_IP": "10.9.8.7", "HTTP_X_FORWARDED_FOR": "10.9.8.7"}):  # fmt: skip
        middleware(factory.get("/", REMOTE_ADDR="203.0.113.5", **spoof))
        tally.judge(
            spoof, "client IP from an untrusted peer", status=200, harmless=seen["addr"] == "203.0.113.5"
        )
    for value in ("not-an-ip", "10.0.0.1, 10.0.0.2", "1.2.3.4\r\nX: y"):
        middleware(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=value))
        tally.judge(
            value, "malformed X-Real-IP from the proxy", status=200, harmless=seen["addr"] == "127.0.0.1"
        )
    middleware(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7"))
    assert seen["addr"] == "198.51.100.7"  # the trusted proxy's word is taken (the check can fail)
    tally.assert_held()
