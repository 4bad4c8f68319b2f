"""Outbound HTTP that cannot be pointed at our own network (SSRF protection).

The host name is resolved once; every address it resolves to must be public (globally
routable: not loopback, private, shared (100.64.0.0/10), link-local, multicast, reserved or
unspecified) unless the
operator setting FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS allows it. The connection
then goes to that vetted address (TLS still checks the host name), so a DNS answer
that changes between the check and the connect (rebinding) cannot slip through.
Redirects are not followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_RESPONSE_BYTES = 64 * 1024


class UnsafeTargetError(ValueError):
    """The URL is malformed or resolves to an address we refuse to call."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # `is_global` also excludes what `is_private` misses, such as the shared address space
    # 100.64.0.0/10 (carrier-grade NAT, and internal services on some clouds).
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


is_public_address = _is_public  # shared with other outbound connections (IMAP polling)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve_target(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeTargetError("The URL must be http:// or https:// with a host name.")
    if parts.username or parts.password:
        raise UnsafeTargetError("Credentials in the URL are not allowed; use the signing secret.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTargetError("The URL has an invalid port.") from exc
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTargetError(f"The host {parts.hostname} does not resolve.") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        refused = [a for a in addresses if not _is_public(a)]
        if refused:
            raise UnsafeTargetError(
                f"The host {parts.hostname} resolves to a non-public address ({refused[0]})."
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST to a vetted address; returns the status code. Raises UnsafeTargetError or OSError."""
    target = resolve_target(url)
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    conn = cls(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return int(response.status)
    except http.client.HTTPException as exc:
        raise OSError(f"bad HTTP response: {exc}") from exc
    finally:
        conn.close()
