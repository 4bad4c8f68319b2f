"""Request and response shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class LoginIn(Schema):
    # A plain pattern, not EmailStr: email-validator refuses reserved domains like .test.
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=1, max_length=200)


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    tenant: str | None
    role: str | None
    membership_id: int | None


class CsrfOut(Schema):
    csrf_token: str


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown once; store it now.")


class AuditEventOut(Schema):
    id: int
    action: str
    actor_id: int | None
    ip_address: str | None
    detail: dict
    created_at: datetime
