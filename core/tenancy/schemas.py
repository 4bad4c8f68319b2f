"""Request and response shapes of the tenancy API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class TenantOut(Schema):
    slug: str
    name: str
    branding: dict


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: str
    created_at: datetime


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)


class TeamOut(Schema):
    id: int
    name: str
    description: str
    member_ids: list[int]
