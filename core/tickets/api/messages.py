"""Messages and attachments API: list and add replies/notes, upload and download files."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from api_kit.auth import request_tenant, require_membership
from tickets.api.schemas import AttachmentOut, MessageIn, MessageOut
from tickets.api.shaping import attachment_dict, message_dict
from tickets.api.tickets import get_visible_ticket
from tickets.models import Channel
from tickets.selectors.misc import attachment_get
from tickets.selectors.tickets import message_list, message_queryset
from tickets.services.attachments import attachment_upload
from tickets.services.messages import message_add

router = Router(tags=["messages"])

# Types a browser would render or run are downloaded as opaque bytes instead.
ACTIVE_CONTENT = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")


@router.get("/tickets/{ticket_id}/messages", response=list[MessageOut])
def messages_list(
    request: HttpRequest, ticket_id: int, after_id: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The conversation, oldest first; customers never see internal notes. Page with `after_id`."""
    tenant, viewer, ticket = get_visible_ticket(request, ticket_id)
    rows = message_list(tenant=tenant, viewer=viewer, ticket=ticket, after_id=after_id, limit=limit)
    return [message_dict(m) for m in rows]


@router.post("/tickets/{ticket_id}/messages", response={201: MessageOut})
def messages_add(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Status[dict[str, Any]]:
    """A public reply, or (staff) an internal note with `internal: true`.

    Staff may link knowledge base articles with `article_ids`: published ones the requester
    can open in a reply (never agents-only), any published one in a note."""
    tenant, viewer, ticket = get_visible_ticket(request, ticket_id)
    channel = (
        Channel.API
        if getattr(request, "api_token", None)
        else (Channel.AGENT if viewer.is_staff_role else Channel.PORTAL)
    )
    message = message_add(
        tenant=tenant,
        ticket=ticket,
        author=viewer,
        body_html=payload.body_html,
        body_text=payload.body_text,
        internal=payload.internal,
        channel=channel,
        attachment_ids=payload.attachment_ids,
        article_ids=payload.article_ids,
    )
    if payload.attachment_ids or payload.article_ids:
        fresh = message_queryset(tenant=tenant, viewer=viewer, ticket=ticket).get(id=message.id)
        return Status(201, message_dict(fresh))
    # Nothing was attached or linked: the message as written is the answer (no re-read).
    return Status(201, message_dict(message, attachments=[], articles=[]))


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut})
def attachments_upload(
    request: HttpRequest, ticket_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Upload one file (multipart field `file`); send its id in a message's `attachment_ids`."""
    tenant, viewer, ticket = get_visible_ticket(request, ticket_id)
    if file.file is None:
        raise HttpError(422, "Send the file as multipart field `file`.")
    attachment = attachment_upload(
        tenant=tenant,
        ticket=ticket,
        uploader=viewer,
        upload=file.file,
        filename=file.name or "",
        size=file.size or 0,
    )
    return Status(201, attachment_dict(attachment))


@router.get("/attachments/{attachment_id}/download", response={200: None})
def attachments_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The file, always as a download, only to those who may see its message."""
    tenant, viewer = request_tenant(request), require_membership(request)
    attachment = attachment_get(tenant=tenant, viewer=viewer, attachment_id=attachment_id)
    if attachment is None:
        raise HttpError(404, "Not Found")
    content_type = attachment.content_type
    if content_type.startswith(ACTIVE_CONTENT) or content_type == "text/plain":
        content_type = (
            "application/octet-stream" if content_type != "text/plain" else "text/plain; charset=utf-8"
        )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
