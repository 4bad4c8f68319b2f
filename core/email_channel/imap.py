"""Poll a tenant's IMAP mailbox: new mail (by UID) goes through the same intake as SMTP.
tenant-queries: allowed (the poller reads and updates its own mailbox row, in its tenant's context).

Per poll: log in, SELECT the folder, compare UIDVALIDITY (a new value means the UIDs
were renumbered: start from 0, Message-ID dedupe keeps that idempotent), UID SEARCH
for UIDs above the last one processed, then per message: FETCH with BODY.PEEK[] (the
mail stays unseen until stored), `email_ingest`, mark it \\Seen (or move it to the
processed folder), and only then advance `last_uid`. A crash between the two re-reads
that one message next time, and the intake's Message-ID dedupe turns it into a
recorded duplicate, not a second ticket message.

Failures (refused connection, TLS, login, a missing folder, an undecryptable password)
are written on the mailbox (`last_error`, `last_polled_at`) and never raised: the beat
goes on with the other mailboxes.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from email_channel import secrets
from email_channel.imap_hosts import HostRefusedError, vet_host
from email_channel.inbound import email_ingest
from email_channel.models import Mailbox
from tenancy.context import tenant_context

logger = logging.getLogger(__name__)
UID_RE = re.compile(rb"UID (\d+)")


@dataclass
class PollResult:
    status: str  # "ok", "error", "busy" or "inactive"
    ingested: int = 0
    error: str = ""


class PollError(Exception):
    pass


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _PinnedIMAP4(imaplib.IMAP4):
    """Connects to the address vetted by `vet_host`, not to a second DNS answer (rebinding)."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout)


class _PinnedIMAP4SSL(imaplib.IMAP4_SSL):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.FRONTLINE_IMAP_TIMEOUT_SECONDS
    address = vet_host(mailbox.host, mailbox.port)
    if mailbox.security == Mailbox.Security.SSL:
        return _PinnedIMAP4SSL(address, mailbox.host, mailbox.port, timeout)
    conn = _PinnedIMAP4(address, mailbox.host, mailbox.port, timeout)
    if mailbox.security == Mailbox.Security.STARTTLS:
        conn.starttls(ssl_context=ssl.create_default_context())
    return conn


def _check(typ: str, data: list, what: str) -> list:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise PollError(f"{what} failed: {detail}")
    return data


def _fetch(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    data = _check(*conn.uid("FETCH", str(uid), "(BODY.PEEK[])"), what=f"FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and UID_RE.search(item[0]):
            return bytes(item[1])
    return None  # expunged meanwhile by another client


def _mark_processed(conn: imaplib.IMAP4, mailbox: Mailbox, uid: int) -> None:
    _check(*conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), what="STORE \\Seen")
    if mailbox.processed_folder:
        _check(*conn.uid("COPY", str(uid), _quote(mailbox.processed_folder)), what="COPY")
        _check(*conn.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)"), what="STORE \\Deleted")


def _poll_open(conn: imaplib.IMAP4, mailbox: Mailbox, password: str) -> int:
    _check(*conn.login(mailbox.username, password), what="LOGIN")
    _check(*conn.select(_quote(mailbox.folder)), what=f"SELECT {mailbox.folder}")
    _, validity = conn.response("UIDVALIDITY")
    uid_validity = int(validity[0]) if validity and validity[0] else None
    if uid_validity != mailbox.uid_validity:
        mailbox.uid_validity, mailbox.last_uid = uid_validity, 0
        Mailbox.objects.filter(id=mailbox.id).update(uid_validity=uid_validity, last_uid=0)
    found = _check(*conn.uid("SEARCH", "UID", f"{mailbox.last_uid + 1}:*"), what="SEARCH")
    uids = sorted(int(u) for u in (found[0] or b"").split() if int(u) > mailbox.last_uid)
    ingested = 0
    for uid in uids[: settings.FRONTLINE_IMAP_BATCH]:
        raw = _fetch(conn, uid)
        if raw is not None:
            email_ingest(raw=raw, rcpt_to=[mailbox.address], tenant=mailbox.tenant)
            _mark_processed(conn, mailbox, uid)
            ingested += 1
        mailbox.last_uid = uid
        Mailbox.objects.filter(id=mailbox.id).update(
            last_uid=uid, messages_ingested=F("messages_ingested") + (1 if raw is not None else 0)
        )
    if mailbox.processed_folder and ingested:
        _check(*conn.expunge(), what="EXPUNGE")
    return ingested


def mailbox_poll(*, tenant_id: int, mailbox_id: int) -> PollResult:
    """Poll one mailbox once; at most one poll of a mailbox runs at a time (a cache lock)."""
    lock = f"imap-poll:{mailbox_id}"
    if not cache.add(lock, 1, timeout=settings.FRONTLINE_IMAP_LOCK_SECONDS):
        return PollResult("busy")
    try:
        with tenant_context(tenant_id):
            mailbox = (
                Mailbox.objects.select_related("tenant")
                .filter(tenant_id=tenant_id, id=mailbox_id, active=True)
                .first()
            )
            if mailbox is None:
                return PollResult("inactive")
            ingested, error = 0, ""
            conn: imaplib.IMAP4 | None = None
            try:
                password = secrets.decrypt(mailbox.password_encrypted)
                conn = _connect(mailbox)
                ingested = _poll_open(conn, mailbox, password)
            except (
                OSError,
                imaplib.IMAP4.error,
                PollError,
                HostRefusedError,
                secrets.SecretUnreadableError,
            ) as exc:
                error = _describe(exc)
                logger.warning("IMAP poll of mailbox %s failed: %s", mailbox_id, error)
            finally:
                if conn is not None:
                    with contextlib.suppress(OSError, imaplib.IMAP4.error):
                        conn.logout()
            now = timezone.now()
            fields = {"last_polled_at": now, "last_error": error[:500]}
            if not error:
                fields["last_success_at"] = now
            Mailbox.objects.filter(id=mailbox.id).update(**fields)
        return PollResult("error" if error else "ok", ingested, error)
    finally:
        cache.delete(lock)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: {exc}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS: {exc}"
    if isinstance(exc, socket.gaierror):
        return f"host not found: {exc}"
    if isinstance(exc, imaplib.IMAP4.error):
        text = str(
            exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        )
        return (
            f"login failed: {text}" if "AUTHENTICATIONFAILED" in text or "LOGIN" in text else f"IMAP: {text}"
        )
    return str(exc) or type(exc).__name__
