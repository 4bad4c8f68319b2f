"""Attachment uploads: size limit, type sniffed from the content, SHA-256, opaque storage names."""

from __future__ import annotations

import hashlib
import mimetypes
import uuid
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction

from tenancy.models import Membership, Tenant
from tickets.models import Attachment, Message, Ticket
from tickets.services.results import TicketCreated
from tickets.services.tickets import ticket_create

# Never accepted, whatever the name says: programs and scripts a browser or OS would run.
BLOCKED_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sh",
        "application/x-dosexec",
        "application/vnd.microsoft.portable-executable",
    }
)
BLOCKED_EXTENSIONS = frozenset(
    {".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".msi", ".ps1", ".vbs", ".js"}
)
SNIFF_BYTES = 8192


class FileTooLarge(Exception):
    """The upload is bigger than ATTACHMENT_MAX_BYTES (the API answers 413)."""


def sniff_content_type(head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if head.startswith(b"MZ"):
        return "application/x-msdownload"
    if head.startswith(b"#!"):
        return "application/x-sh"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the sniff boundary is still text.
        try:
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return "text/plain"


def _safe_filename(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".")
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*;')
    return cleaned[:200] or "attachment"


def _check_name_matches(filename: str, sniffed: str) -> None:
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in BLOCKED_EXTENSIONS or sniffed in BLOCKED_TYPES:
        raise ValidationError({"file": "Programs and scripts cannot be attached."})
    claimed, _ = mimetypes.guess_type(filename)
    # A name claiming a binary format whose bytes are something else is a disguise.
    major = claimed.split("/")[0] if claimed else ""
    if major in {"image", "video", "audio"} and sniffed != "text/plain" and major != sniffed.split("/")[0]:
        raise ValidationError({"file": f"The content is {sniffed}, not what the name {filename!r} says."})
    if claimed and claimed.startswith(("image/", "application/pdf")) and sniffed in {"text/plain"}:
        raise ValidationError({"file": f"The content is text, not what the name {filename!r} says."})


@transaction.atomic
def attachment_upload(
    *, tenant: Tenant, ticket: Ticket, uploader: Membership, upload: IO[bytes], filename: str, size: int
) -> Attachment:
    """Store one file for `ticket`; it joins a message when sent with `attachment_ids`."""
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise FileTooLarge(f"Attachments may be at most {settings.ATTACHMENT_MAX_BYTES} bytes.")
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    sniffed = sniff_content_type(head)
    name = _safe_filename(filename)
    _check_name_matches(name, sniffed)
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        tenant=tenant,
        ticket=ticket,
        uploaded_by=uploader,
        filename=name,
        content_type=sniffed,
        size=size,
        sha256=digest.hexdigest(),
    )
    # The stored name is opaque: the user's filename never becomes a path.
    attachment.file.save(f"attachments/{tenant.id}/{uuid.uuid4().hex}", File(upload), save=False)
    attachment.save()
    return attachment


def attachments_bind(
    *, tenant: Tenant, ticket: Ticket, message: Message, uploader: Membership | None, ids: list[int]
) -> None:
    """Attach the caller's own, not yet sent uploads of this ticket to `message`."""
    ids = list(dict.fromkeys(ids))
    if uploader is None:
        raise PermissionDenied("Only members attach files.")
    updated = Attachment.objects.filter(
        tenant=tenant, ticket=ticket, id__in=ids, message__isnull=True, uploaded_by=uploader
    ).update(message=message)
    if updated != len(ids):
        raise ValidationError({"attachment_ids": "Unknown, already sent or someone else's attachment."})


MAX_FILES_PER_CREATE = 10


def ticket_create_with_attachments(
    *, tenant: Tenant, actor: Membership, files: list[tuple[IO[bytes], str, int]], **fields: Any
) -> TicketCreated:
    """`ticket_create` with files on its first message, all or nothing.

    `files` are (stream, filename, size). A refused file (too large, a program, a disguise)
    undoes the ticket too: no number is used up, no event leaves the outbox, and the files
    already stored are deleted again.
    """
    if len(files) > MAX_FILES_PER_CREATE:
        raise ValidationError({"files": f"At most {MAX_FILES_PER_CREATE} files per ticket."})
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            created = ticket_create(tenant=tenant, actor=actor, **fields)
            for upload, filename, size in files:
                stored.append(
                    attachment_upload(
                        tenant=tenant,
                        ticket=created.ticket,
                        uploader=actor,
                        upload=upload,
                        filename=filename,
                        size=size,
                    )
                )
            Attachment.objects.filter(tenant=tenant, id__in=[a.id for a in stored]).update(
                message=created.message
            )
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    for attachment in stored:
        attachment.message_id = created.message.id
    return TicketCreated(created.ticket, created.message, tuple(stored))
