"""Tenant admins configure the IMAP mailboxes polled for mail (the password is write-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import EmailStr, Field

from api_kit.auth import admin_only, request_tenant
from email_channel import mailboxes
from email_channel.models import Mailbox
from tenancy.models import Tenant

router = Router(tags=["email"], auth=admin_only)
Security = Literal["ssl", "starttls", "none"]


class MailboxIn(Schema):
    address: EmailStr
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(default=993, ge=1, le=65535)
    security: Security = "ssl"
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=500, description="Stored encrypted; never returned.")
    folder: str = Field(default="INBOX", min_length=1, max_length=200)
    processed_folder: str = Field(default="", max_length=200)
    active: bool = True


class MailboxPatch(Schema):
    address: EmailStr | None = None
    host: str | None = Field(default=None, min_length=1, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Security | None = None
    username: str | None = Field(default=None, min_length=1, max_length=255)
    password: str | None = Field(default=None, min_length=1, max_length=500)
    folder: str | None = Field(default=None, min_length=1, max_length=200)
    processed_folder: str | None = Field(default=None, max_length=200)
    active: bool | None = None


class MailboxOut(Schema):
    id: int
    address: str
    host: str
    port: int
    security: str
    username: str
    folder: str
    processed_folder: str
    active: bool
    last_uid: int
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    messages_ingested: int
    created_at: datetime


def _get(tenant: Tenant, mailbox_id: int) -> Mailbox:
    mailbox = mailboxes.mailbox_get(tenant=tenant, mailbox_id=mailbox_id)
    if mailbox is None:
        raise HttpError(404, "Not Found")
    return mailbox


@router.get("/email/mailboxes", response=list[MailboxOut])
def mailbox_list(request: HttpRequest) -> list[Mailbox]:
    return list(mailboxes.mailbox_list(tenant=request_tenant(request)))


@router.post("/email/mailboxes", response={201: MailboxOut})
def mailbox_create(request: HttpRequest, payload: MailboxIn) -> Status:
    values = payload.dict()
    password = values.pop("password")
    return Status(201, mailboxes.mailbox_create(tenant=request_tenant(request), password=password, **values))


@router.get("/email/mailboxes/{mailbox_id}", response=MailboxOut)
def mailbox_detail(request: HttpRequest, mailbox_id: int) -> Mailbox:
    return _get(request_tenant(request), mailbox_id)


@router.patch("/email/mailboxes/{mailbox_id}", response=MailboxOut)
def mailbox_update(request: HttpRequest, mailbox_id: int, payload: MailboxPatch) -> Mailbox:
    tenant = request_tenant(request)
    changes = payload.dict(exclude_none=True)
    password = changes.pop("password", None)
    return mailboxes.mailbox_update(
        tenant=tenant, mailbox=_get(tenant, mailbox_id), changes=changes, password=password
    )


@router.delete("/email/mailboxes/{mailbox_id}", response={204: None})
def mailbox_delete(request: HttpRequest, mailbox_id: int) -> Status:
    tenant = request_tenant(request)
    mailboxes.mailbox_delete(tenant=tenant, mailbox=_get(tenant, mailbox_id))
    return Status(204, None)
