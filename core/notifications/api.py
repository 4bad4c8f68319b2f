"""Notifications API: the caller's own notifications and preferences (any member)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from api_kit.auth import request_tenant, require_membership
from notifications import selectors, services
from notifications.models import Notification, NotificationPreference
from notifications.schemas import (
    MarkedOut,
    NotificationOut,
    PreferenceIn,
    PreferenceOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])


@router.get("/notifications", response=list[NotificationOut])
def notification_list(request: HttpRequest, unread: bool = False, limit: int = 50) -> list[Notification]:
    member = require_membership(request)
    return selectors.notification_list(
        tenant=request_tenant(request), membership=member, unread_only=unread, limit=max(1, min(limit, 200))
    )


@router.get("/notifications/unread-count", response=UnreadCountOut)
def notification_unread_count(request: HttpRequest) -> UnreadCountOut:
    member = require_membership(request)
    return UnreadCountOut(unread=selectors.unread_count(tenant=request_tenant(request), membership=member))


@router.post("/notifications/{notification_id}/read", response=MarkedOut)
def notification_read(request: HttpRequest, notification_id: int) -> MarkedOut:
    member = require_membership(request)
    if not services.notification_mark_read(
        tenant=request_tenant(request), membership=member, notification_id=notification_id
    ):
        raise HttpError(404, "Not Found")
    return MarkedOut(marked=1)


@router.post("/notifications/read-all", response=MarkedOut)
def notification_read_all(request: HttpRequest) -> MarkedOut:
    member = require_membership(request)
    return MarkedOut(
        marked=services.notification_mark_all_read(tenant=request_tenant(request), membership=member)
    )


@router.get("/notification-preferences", response=list[PreferenceOut])
def preference_list(request: HttpRequest) -> list[NotificationPreference]:
    member = require_membership(request)
    return list(selectors.preference_list(tenant=request_tenant(request), membership=member))


@router.put("/notification-preferences", response=PreferenceOut)
def preference_set(request: HttpRequest, payload: PreferenceIn) -> NotificationPreference:
    member = require_membership(request)
    return services.preference_set(
        tenant=request_tenant(request),
        membership=member,
        event_type=payload.event_type,
        channel=payload.channel,
        mode=payload.mode,
    )
