"""A real SMTP server (aiosmtpd) that keeps every message it receives: the customer's mailbox
in end-to-end tests, the outbound relay's target in benchmarks."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from testing.workers import free_port


@dataclass
class CaughtMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return str(body.get_content()) if body is not None else ""


@dataclass
class MailCatcher:
    controller: Any = None
    port: int = 0
    mails: list[CaughtMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Answer this many messages with a temporary failure first (a relay refusing, then accepting).
    refuse_next: int = 0
    refused: int = 0
    # Hold the answer to the next message (before its 250) until `release()`: the test breaks
    # something while a sender waits on the relay's verdict.
    hold_next: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            await asyncio.to_thread(self.released.wait, 120)
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.mails.append(
                CaughtMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 OK"

    def to(self, address: str) -> list[CaughtMail]:
        with self.lock:
            return [m for m in self.mails if address in m.rcpt_tos]

    def stop(self) -> None:
        self.controller.stop()


def start_mail_catcher() -> MailCatcher:
    catcher = MailCatcher(port=free_port())
    catcher.controller = Controller(catcher, hostname="127.0.0.1", port=catcher.port, decode_data=False)
    catcher.controller.start()
    return catcher
