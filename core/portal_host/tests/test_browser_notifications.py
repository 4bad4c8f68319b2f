"""Notifications in a real browser: the unread count in the header, the list, mark as read."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import LiveCore
from .test_browser import sign_in

pytestmark = pytest.mark.committed


@pytest.fixture
def agent_replied(demo: None) -> None:
    """Acme's agent answered the customer: the notifications service tells the customer."""
    from django.db import transaction

    from contracts.events import Actor, EventEnvelope, Visibility
    from contracts.samples import sample_payload
    from notifications.services import notify_for_event
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.selectors import membership_list, tenant_by_slug

    acme = tenant_by_slug(slug="acme")
    assert acme is not None
    with tenant_context(acme.id):
        customer = membership_list(tenant=acme, role=Role.CUSTOMER).get()
        agent = membership_list(tenant=acme, role=Role.AGENT).order_by("id").first()
        assert agent is not None
        payload = sample_payload(
            "message.added",
            requester_membership_id=customer.id,
            assignee_membership_id=agent.id,
            author_membership_id=agent.id,
            body_text="We shipped the replacement today.",
        )
        event = EventEnvelope(
            tenant_id=acme.id,
            type="message.added",
            data=payload,
            visibility=Visibility.PUBLIC,
            actor=Actor(kind="user", id=agent.user_id, name="Alice Agent"),
        )
        with transaction.atomic():
            told = notify_for_event(tenant=acme, event=event)
        assert [n.recipient_id for n in told] == [customer.id]


def test_customer_reads_a_notification(agent_replied: None, live_core: LiveCore, page: Any) -> None:
    sign_in(page, live_core, "acme", "customer@acme.test")
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.get_by_role("link", name="Notifications, 1 unread").click()
    items = page.get_by_role("list", name="Notifications")
    expect(items).to_contain_text("We shipped the replacement today.")
    items.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(items.get_by_role("button", name="Mark as read")).to_have_count(0)


def test_other_tenant_sees_no_notification(agent_replied: None, live_core: LiveCore, page: Any) -> None:
    sign_in(page, live_core, "globex", "customer@globex.test")
    page.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_role("region", name="No notifications")).to_be_visible()
