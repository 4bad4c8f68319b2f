"""POST /api/v1/inbound/email: raw RFC 5322 MIME from a mail provider's inbound webhook.

Authenticated by the operator's inbound token (header `X-Frontline-Inbound-Token` equal
to FRONTLINE_INBOUND_EMAIL_TOKEN; not `Authorization`, which carries users' API tokens),
not a user's token: providers post for every tenant,
and the tenant comes from the recipient address, as with the SMTP receiver.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader

from email_channel.inbound import email_ingest

router = Router(tags=["email"])


class InboundToken(APIKeyHeader):
    param_name = "X-Frontline-Inbound-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> str | None:
        expected = settings.FRONTLINE_INBOUND_EMAIL_TOKEN
        if key and expected and hmac.compare_digest(key.encode(), expected.encode()):
            return "inbound"
        return None


class IngestOut(Schema):
    status: str
    reason: str
    ticket_id: int | None


@router.post("/inbound/email", auth=InboundToken(), response={202: IngestOut})
def inbound_email(request: HttpRequest, recipient: str | None = None) -> Status:
    raw = request.body
    if not raw.strip():
        raise HttpError(400, "Send the raw message (message/rfc822) as the request body.")
    if len(raw) > settings.FRONTLINE_EMAIL_MAX_BYTES:
        raise HttpError(413, "The message is larger than the limit.")
    result = email_ingest(raw=raw, mail_from=None, rcpt_to=[recipient] if recipient else None)
    return Status(202, IngestOut(status=result.status, reason=result.reason, ticket_id=result.ticket_id))
