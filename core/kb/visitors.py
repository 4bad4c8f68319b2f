"""Who is visiting, as an opaque key: for counting views and votes once per visitor per day."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def visitor_key(request: HttpRequest) -> str:
    """A signed-in member is their user; anyone else is their address and browser.

    Hashed with the secret key so no IP address is stored.
    """
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    if membership is not None:
        identity = f"user:{membership.user_id}"
    else:
        address = request.META.get("REMOTE_ADDR", "")
        agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        identity = f"anon:{address}:{agent}"
    message = f"{tenant.id if tenant else 0}:{identity}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
