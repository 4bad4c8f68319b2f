"""The client's address behind our reverse proxy: X-Real-IP, but only from a trusted proxy.

Behind nginx every request's REMOTE_ADDR is nginx's own, so login throttles, sign-up limits
and audit rows would lump every client together. nginx sets `X-Real-IP` to the peer it saw
(deploy/nginx). The header is believed only when the direct peer is one of
FRONTLINE_TRUSTED_PROXIES; anyone else could write any address into it.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@lru_cache(maxsize=1)
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in settings.FRONTLINE_TRUSTED_PROXIES)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        real = request.META.get("HTTP_X_REAL_IP", "").strip()
        if real and _is_trusted(request.META.get("REMOTE_ADDR", "")):
            # A malformed header from the proxy: keep the peer's address.
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.get_response(request)
