"""Webhooks: subscriptions API (two tenants), signed deliveries, retries, auto-disable, SSRF."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.events import EventEnvelope
from contracts.samples import sample_payload
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.http_receiver import start_receiver
from testing.isolation import assert_other_tenant_gets_404
from webhooks import services, signing, ssrf
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from webhooks.tasks import sweep_due_deliveries


@pytest.fixture
def receiver(settings):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    r = start_receiver()
    yield r
    r.stop()


def _subscribe(world, url, types=("ticket.created",)):
    with tenant_context(world.tenant.id):
        return services.subscription_create(tenant=world.tenant, url=url, event_types=list(types))


def _deliver_event(world, type_="ticket.created"):
    event = EventEnvelope(tenant_id=world.tenant.id, type=type_, data=sample_payload(type_))
    with tenant_context(world.tenant.id):
        ids = services.deliveries_create_for_event(event=event)
    return event, ids


def test_api_create_list_detail_update_delete_and_isolation(two_tenants, receiver):
    client = session_client(two_tenants.a.admin)
    response = client.post(
        "/api/v1/webhooks",
        data=json.dumps({"url": receiver.url, "event_types": ["ticket.created", "message.added"]}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert len(created["secret"]) >= 32
    sub_id = created["id"]
    assert [s["id"] for s in client.get("/api/v1/webhooks").json()] == [sub_id]
    assert "secret" not in client.get(f"/api/v1/webhooks/{sub_id}").json()
    # Tenant B sees none of it, whichever way it asks.
    assert session_client(two_tenants.b.admin).get("/api/v1/webhooks").json() == []
    for method, path, data in [
        ("get", f"/api/v1/webhooks/{sub_id}", None),
        ("get", f"/api/v1/webhooks/{sub_id}/deliveries", None),
        ("patch", f"/api/v1/webhooks/{sub_id}", {"is_active": False}),
    ]:
        assert_other_tenant_gets_404(two_tenants, method, path, data, role="admin")
    assert_other_tenant_gets_404(two_tenants, "delete", f"/api/v1/webhooks/{sub_id}", role="admin")
    with tenant_context(two_tenants.a.tenant.id):
        assert not WebhookSubscription.objects.filter(id=sub_id).exists()


def test_agents_cannot_manage_webhooks(two_tenants):
    assert session_client(two_tenants.a.agent).get("/api/v1/webhooks").status_code == 403


def test_bad_input_is_422_not_500(two_tenants, receiver):
    client = session_client(two_tenants.a.admin)
    for body in [
        {"url": receiver.url, "event_types": ["ticket.exploded"]},
        {"url": "ftp://example.com/x", "event_types": ["ticket.created"]},
        {"url": "http://no-such-host.invalid/x", "event_types": ["ticket.created"]},
    ]:
        response = client.post("/api/v1/webhooks", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 422, (body, response.content)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.5/x",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
    ],
)
def test_ssrf_targets_are_refused_after_resolution(settings, url):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(ssrf.UnsafeTargetError):
        ssrf.resolve_target(url)


def test_delivery_is_signed_and_logged(two_tenants, receiver):
    sub = _subscribe(two_tenants.a, receiver.url)
    event, ids = _deliver_event(two_tenants.a)
    assert services.delivery_attempt(tenant_id=two_tenants.a.tenant.id, delivery_id=ids[0]) == "succeeded"
    [hit] = receiver.received
    assert hit.json["id"] == str(event.id) and hit.json["type"] == "ticket.created"
    assert hit.headers["x-frontline-event"] == "ticket.created"
    ts = int(hit.headers["x-frontline-timestamp"])
    assert signing.verify(sub.secret, ts, hit.body, hit.headers["x-frontline-signature"])
    assert not signing.verify("wrong-secret", ts, hit.body, hit.headers["x-frontline-signature"])
    # Same event again: no second delivery row, no second send.
    assert _deliver_event_again(two_tenants.a, event) == []
    assert services.delivery_attempt(tenant_id=two_tenants.a.tenant.id, delivery_id=ids[0]) == "skipped"
    with tenant_context(two_tenants.a.tenant.id):
        delivery = WebhookDelivery.objects.get(id=ids[0])
        assert delivery.last_status_code == 200
        assert [a.status_code for a in delivery.attempt_log.all()] == [200]


def _deliver_event_again(world, event):
    with tenant_context(world.tenant.id):
        return services.deliveries_create_for_event(event=event)


def test_other_tenants_events_never_reach_a_subscription(two_tenants, receiver):
    _subscribe(two_tenants.a, receiver.url)
    _, ids = _deliver_event(two_tenants.b)
    assert ids == []


def test_failures_retry_with_backoff_then_give_up_after_24h(two_tenants, receiver):
    receiver.status = 503
    _subscribe(two_tenants.a, receiver.url)
    _, [delivery_id] = _deliver_event(two_tenants.a)
    tid = two_tenants.a.tenant.id
    assert services.delivery_attempt(tenant_id=tid, delivery_id=delivery_id) == "pending"
    with tenant_context(tid):
        first = WebhookDelivery.objects.get(id=delivery_id)
    assert 20 <= (first.next_attempt_at - timezone.now()).total_seconds() <= 40
    # Not due yet: the sweep's task skips it.
    assert services.delivery_attempt(tenant_id=tid, delivery_id=delivery_id) == "skipped"
    # 23 h later it is still retried; past 24 h it gives up.
    with tenant_context(tid):
        WebhookDelivery.objects.filter(id=delivery_id).update(
            next_attempt_at=None, created_at=timezone.now() - timedelta(hours=23, minutes=59, seconds=50)
        )
    assert services.delivery_attempt(tenant_id=tid, delivery_id=delivery_id) == DeliveryStatus.FAILED
    with tenant_context(tid):
        delivery = WebhookDelivery.objects.get(id=delivery_id)
        assert [a.status_code for a in delivery.attempt_log.order_by("id")] == [503, 503]


def test_due_deliveries_sweep_finds_work_across_tenants(two_tenants, receiver):
    receiver.status = 500
    _subscribe(two_tenants.a, receiver.url)
    _subscribe(two_tenants.b, receiver.url)
    _, [a_id] = _deliver_event(two_tenants.a)
    _, [b_id] = _deliver_event(two_tenants.b)
    for world, delivery_id in ((two_tenants.a, a_id), (two_tenants.b, b_id)):
        with tenant_context(world.tenant.id):
            WebhookDelivery.objects.filter(id=delivery_id).update(
                created_at=timezone.now() - timedelta(minutes=1)
            )
    due = services.due_deliveries()
    assert (two_tenants.a.tenant.id, a_id) in due and (two_tenants.b.tenant.id, b_id) in due


def test_sweep_queues_each_attempt_once_and_a_retry_is_not_held_back_by_the_last_marker(
    two_tenants, receiver
):
    receiver.status = 500
    _subscribe(two_tenants.a, receiver.url)
    _, [delivery_id] = _deliver_event(two_tenants.a)
    tid = two_tenants.a.tenant.id

    def make_due() -> None:
        with tenant_context(tid):
            WebhookDelivery.objects.filter(id=delivery_id).update(
                created_at=timezone.now() - timedelta(minutes=1), next_attempt_at=None
            )

    make_due()
    assert sweep_due_deliveries.apply().get() == 1  # attempt 1 queued
    assert sweep_due_deliveries.apply().get() == 0  # still queued (workers behind): not again
    assert services.delivery_attempt(tenant_id=tid, delivery_id=delivery_id) == DeliveryStatus.PENDING
    make_due()  # attempt 1 failed; its retry (attempt 2) is due
    assert sweep_due_deliveries.apply().get() == 1  # attempt 1's marker does not hold it back
    assert sweep_due_deliveries.apply().get() == 0


def test_subscription_auto_disables_after_repeated_failures(settings, two_tenants, receiver):
    settings.FRONTLINE_WEBHOOKS_DISABLE_AFTER = 3
    receiver.status = 500
    sub = _subscribe(two_tenants.a, receiver.url)
    tid = two_tenants.a.tenant.id
    for _ in range(3):
        _, [delivery_id] = _deliver_event(two_tenants.a)
        services.delivery_attempt(tenant_id=tid, delivery_id=delivery_id)
    with tenant_context(tid):
        sub.refresh_from_db()
    assert not sub.is_active
    assert "3 failed attempts" in sub.disabled_reason
    # Switching it back on through the API clears the failure count.
    client = session_client(two_tenants.a.admin)
    response = client.patch(
        f"/api/v1/webhooks/{sub.id}", data=json.dumps({"is_active": True}), content_type="application/json"
    )
    assert response.json()["is_active"] is True and response.json()["consecutive_failures"] == 0


def test_private_target_refused_at_send_time_when_setting_is_off(settings, two_tenants, receiver):
    sub = _subscribe(two_tenants.a, receiver.url)
    _, [delivery_id] = _deliver_event(two_tenants.a)
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = False  # e.g. DNS now points inside
    services.delivery_attempt(tenant_id=two_tenants.a.tenant.id, delivery_id=delivery_id)
    assert receiver.received == []
    with tenant_context(two_tenants.a.tenant.id):
        assert "refused" in WebhookDelivery.objects.get(id=delivery_id).last_error
    assert sub.id
