"""The subscriber registry: the relay's order, and the opening `@subscribes` does for each subscriber."""

import pytest

from contracts.events import EventEnvelope
from contracts.samples import sample_payload
from events import registry
from events.registry import SubscriberConflictError, has_subject, subscribes
from tenancy.context import tenant_context
from tenancy.models import Tenant
from testing.factories import make_tenant


@pytest.fixture
def scratch_registry():
    """Subscribers a test declares are forgotten afterwards."""
    saved = dict(registry._registered)
    yield
    registry._registered.clear()
    registry._registered.update(saved)
    registry.subscribers.cache_clear()


def _event(tenant_id, type_="ticket.created", subject_id=7):
    return EventEnvelope(tenant_id=tenant_id, type=type_, data=sample_payload(type_), subject_id=subject_id)


def test_the_relay_runs_the_subscribers_in_their_declared_order():
    assert [name for name, _ in registry.subscribers()] == [
        "notifications",
        "webhooks",
        "assignment.subscribers.on_ticket_event",
        "sla.subscribers.on_ticket_event",
        "automations.subscribers.on_event",
        "csat.subscribers.on_status_changed",
        "triage",
        "triage.subscribers.on_ticket_changed",
        "kb-embed",
        "invitation-email",
        "password-reset-email",
        "email_channel.subscribers.on_privacy_erasure",
        "tenant-signup-email",
        "signup-email",
        "reports.subscriber.handle",
    ]
    assert [r.handler for r in registry.registrations()] == [
        "notifications.subscribers.handle",
        "webhooks.subscribers.handle",
        "assignment.subscribers.on_ticket_event",
        "sla.subscribers.on_ticket_event",
        "automations.subscribers.on_event",
        "csat.subscribers.on_status_changed",
        "triage.subscribers.handle",
        "triage.subscribers.on_ticket_changed",
        "kb.subscribers.handle",
        "email_channel.subscribers.on_member_invited",
        "email_channel.subscribers.on_password_reset_requested",
        "email_channel.subscribers.on_privacy_erasure",
        "email_channel.subscribers.on_tenant_signup_requested",
        "email_channel.subscribers.on_signup_requested",
        "reports.subscribers.handle",
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("scratch_registry")
def test_a_subscriber_gets_its_events_once_with_their_tenant():
    tenant = make_tenant()
    seen = []

    @subscribes("ticket.*", name="tests.seen", order=10_001, when=[has_subject], once=True, tenant=True)
    def handle(event, found_tenant):
        seen.append((event.type, found_tenant.id))

    suspended = make_tenant()
    Tenant.objects.filter(id=suspended.id).update(status=Tenant.Status.SUSPENDED)

    event = _event(tenant.id)
    with tenant_context(tenant.id):
        handle(event)
        handle(event)  # redelivered: skipped
        handle(_event(tenant.id, "message.added"))  # not its type
        handle(_event(tenant.id, subject_id=None))  # its condition does not hold
    with tenant_context(suspended.id):
        handle(_event(suspended.id))  # the tenant is not active
    assert seen == [("ticket.created", tenant.id)]
    assert ("tests.seen", handle) in registry.subscribers()


@pytest.mark.usefixtures("scratch_registry")
def test_unknown_event_types_and_shared_places_are_refused():
    with pytest.raises(ValueError, match="no such event types"):
        subscribes("tickets.created", name="tests.typo", order=10_002)
    with pytest.raises(SubscriberConflictError):
        subscribes("ticket.created", name="tests.clash", order=10)(lambda event: None)
