"""Request and response shapes of the privacy API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class PrivacyPersonOut(Schema):
    id: int
    name: str
    email: str
    role: str
    active: bool
    erased: bool


class PrivacyExportIn(Schema):
    include_internal_notes: bool = False


class ErasureOut(Schema):
    membership_id: int
    erased_at: dt.datetime
    erased_by_membership_id: int | None
    already_erased: bool
    counts: dict[str, int]


class RetentionIn(Schema):
    enabled: bool
    days: int


class RetentionOut(Schema):
    enabled: bool
    days: int
    due_now: int
    last_run_at: dt.datetime | None
    last_purged: int


class RetentionPreviewOut(Schema):
    days: int
    due_now: int
