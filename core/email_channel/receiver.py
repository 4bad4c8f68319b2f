"""The built-in SMTP receiver (aiosmtpd): accepts mail for <slug>.<mail domain> addresses.

Run: `python core/manage.py smtp_receiver` (Procfile `smtp:`), port FRONTLINE_SMTP_PORT.
Recipients outside our mail domain are refused at RCPT (no open relay); messages over
the size limit are refused at DATA by aiosmtpd's data_size_limit. Every accepted
message goes through `email_ingest` (which quarantines what it refuses), in a thread
so the event loop keeps serving other sessions while the database works.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections

from email_channel.addresses import slug_for_recipient
from email_channel.inbound import email_ingest

logger = logging.getLogger(__name__)


def _ingest(raw: bytes, mail_from: str, rcpt: list[str]) -> str:
    close_old_connections()
    try:
        return email_ingest(raw=raw, mail_from=mail_from, rcpt_to=rcpt).status
    finally:
        close_old_connections()


class FrontlineHandler:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if slug_for_recipient(address) is None:
            return "550 5.1.1 not a mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            await asyncio.to_thread(_ingest, raw, envelope.mail_from or "", list(envelope.rcpt_tos))
        except Exception:
            logger.exception("inbound mail could not be stored")
            return "451 4.3.0 temporary failure, try again later"  # the sender retries: not lost
        return "250 Message accepted"


def make_controller(host: str, port: int) -> Any:
    return Controller(
        FrontlineHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.FRONTLINE_EMAIL_MAX_BYTES,
        decode_data=False,
    )
