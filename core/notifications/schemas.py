"""API shapes of notifications and preferences."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    ticket_id: int | None
    read_at: datetime | None
    created_at: datetime


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceIn(Schema):
    event_type: str
    channel: str
    mode: str


class PreferenceOut(Schema):
    event_type: str
    channel: str
    mode: str
