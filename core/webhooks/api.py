"""Webhooks API (tenant admins): subscriptions and their delivery log."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant
from tenancy.models import Tenant
from webhooks import selectors, services
from webhooks.models import WebhookSubscription
from webhooks.schemas import (
    DeliveryOut,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
)

router = Router(tags=["webhooks"], auth=admin_only)


def _get(tenant: Tenant, subscription_id: int) -> WebhookSubscription:
    subscription = selectors.subscription_get(tenant=tenant, subscription_id=subscription_id)
    if subscription is None:
        raise HttpError(404, "Not Found")
    return subscription


@router.get("/webhooks", response=list[SubscriptionOut])
def webhook_list(request: HttpRequest) -> list[WebhookSubscription]:
    return list(selectors.subscription_list(tenant=request_tenant(request)))


@router.post("/webhooks", response={201: SubscriptionCreated})
def webhook_create(request: HttpRequest, payload: SubscriptionIn) -> Status:
    subscription = services.subscription_create(
        tenant=request_tenant(request),
        url=payload.url,
        event_types=payload.event_types,
        secret=payload.secret,
    )
    return Status(201, subscription)


@router.get("/webhooks/{subscription_id}", response=SubscriptionOut)
def webhook_detail(request: HttpRequest, subscription_id: int) -> WebhookSubscription:
    return _get(request_tenant(request), subscription_id)


@router.patch("/webhooks/{subscription_id}", response=SubscriptionOut)
def webhook_update(
    request: HttpRequest, subscription_id: int, payload: SubscriptionPatch
) -> WebhookSubscription:
    tenant = request_tenant(request)
    return services.subscription_update(
        tenant=tenant, subscription=_get(tenant, subscription_id), changes=payload.dict(exclude_none=True)
    )


@router.delete("/webhooks/{subscription_id}", response={204: None})
def webhook_delete(request: HttpRequest, subscription_id: int) -> Status:
    tenant = request_tenant(request)
    services.subscription_delete(tenant=tenant, subscription=_get(tenant, subscription_id))
    return Status(204, None)


@router.get("/webhooks/{subscription_id}/deliveries", response=list[DeliveryOut])
def webhook_deliveries(request: HttpRequest, subscription_id: int) -> list:
    tenant = request_tenant(request)
    return selectors.delivery_list(tenant=tenant, subscription=_get(tenant, subscription_id))
