"""Tenant mail addresses: support@<slug>.<mail domain>, reply tokens, Message-IDs."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from django.conf import settings

TOKEN_RE = re.compile(r"\+t(?P<ticket>\d+)-(?P<sig>[0-9a-f]{10})@", re.IGNORECASE)
SUBJECT_TOKEN_RE = re.compile(r"\[#(?P<ticket>\d+)-(?P<sig>[0-9a-f]{10})\]")


def tenant_domain(slug: str) -> str:
    return f"{slug}.{settings.FRONTLINE_MAIL_DOMAIN}"


def support_address(slug: str) -> str:
    return f"support@{tenant_domain(slug)}"


def _sig(tenant_id: int, ticket_id: int) -> str:
    msg = f"reply:{tenant_id}:{ticket_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()[:10]


def reply_token(tenant_id: int, ticket_id: int) -> str:
    return f"t{ticket_id}-{_sig(tenant_id, ticket_id)}"


def reply_address(slug: str, tenant_id: int, ticket_id: int) -> str:
    return f"support+{reply_token(tenant_id, ticket_id)}@{tenant_domain(slug)}"


def subject_tag(tenant_id: int, ticket_id: int) -> str:
    return f"[#{ticket_id}-{_sig(tenant_id, ticket_id)}]"


def ticket_from_token(tenant_id: int, text: str) -> int | None:
    """The ticket named by a valid (signed) token in an address or subject, else None."""
    for pattern in (TOKEN_RE, SUBJECT_TOKEN_RE):
        for match in pattern.finditer(text):
            ticket_id = int(match["ticket"])
            if hmac.compare_digest(match["sig"].lower(), _sig(tenant_id, ticket_id)):
                return ticket_id
    return None


def new_message_id(slug: str) -> str:
    return f"<{uuid.uuid4().hex}@{tenant_domain(slug)}>"


def slug_for_recipient(address: str) -> str | None:
    """The tenant slug of an address at <slug>.<mail domain>, else None."""
    _, _, domain = address.rpartition("@")
    suffix = "." + settings.FRONTLINE_MAIL_DOMAIN.lower()
    domain = domain.lower().rstrip(">")
    if domain.endswith(suffix):
        slug = domain[: -len(suffix)]
        return slug if slug and "." not in slug else None
    return None
