"""X-Real-IP names the client only when the request comes from a trusted proxy."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from config.client_ip import ClientAddressMiddleware


def _seen_address(**meta: str) -> str:
    seen: dict[str, str] = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    ClientAddressMiddleware(view)(RequestFactory().get("/", **meta))
    return seen["addr"]


def test_trusted_proxy_header_names_the_client():
    assert _seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"


def test_untrusted_peer_cannot_choose_its_address():
    assert _seen_address(REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="10.0.0.1") == "198.51.100.7"


def test_garbage_header_keeps_the_peer():
    assert _seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="1.2.3.4\r\nX: y") == "127.0.0.1"
    assert _seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-ip") == "127.0.0.1"
