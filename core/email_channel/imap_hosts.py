"""Which IMAP servers a mailbox may name: public addresses only (SSRF), unless the operator
allows private ones. Checked when a mailbox is saved and again at each connection."""

from __future__ import annotations

import socket

from django.conf import settings

from webhooks.ssrf import is_public_address


class HostRefusedError(Exception):
    pass


def vet_host(host: str, port: int) -> str:
    """The address to connect to; HostRefusedError if the host resolves to a non-public one (SSRF)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = [str(info[4][0]) for info in infos]
    if not settings.FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS:
        refused = [a for a in found if not is_public_address(a)]
        if refused:
            raise HostRefusedError(f"refused: {host} resolves to a non-public address ({refused[0]})")
    return found[0]
