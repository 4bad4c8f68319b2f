"""Core to browser: a token from core's endpoint, events through the real outbox and relay, a live socket."""

from __future__ import annotations

import asyncio

import pytest
from django.conf import settings

from contracts.events import Actor, Visibility, stream_key
from events.models import OutboxEvent
from events.relay import redis_client, relay_all
from events.services import event_record
from realtime.tests.support import GatewayProcess, events, open_socket, receive, receive_until
from tenancy.context import tenant_context
from testing.factories import session_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_gateway():
    process = GatewayProcess(settings.REDIS_URL, FRONTLINE_REALTIME_SECRET=settings.REALTIME_SECRET)
    yield process
    process.stop()


def test_outbox_events_reach_agents_and_only_the_requester_sees_public_ones(two_tenants, core_gateway):
    acme = two_tenants.a
    agent_token = session_client(acme.agent).post("/api/v1/realtime/token").json()["token"]
    customer_token = session_client(acme.customer).post("/api/v1/realtime/token").json()["token"]
    globex_token = session_client(two_tenants.b.agent).post("/api/v1/realtime/token").json()["token"]
    relay_all()  # what setting up the two tenants recorded: not this test's events
    for tenant in (acme.tenant, two_tenants.b.tenant):
        redis_client().delete(stream_key(tenant.id))
    origin = f"http://acme.localhost:{settings.WEB_PORT}"

    def record_and_relay() -> None:
        with tenant_context(acme.tenant.id):
            common = {
                "requester_membership_id": acme.customer.id,
                "ticket_id": 1,
                "number": 1,
                "status": "new",
            }
            event_record(
                tenant_id=acme.tenant.id,
                type="ticket.created",
                visibility=Visibility.PUBLIC,
                subject_id=1,
                actor=Actor(kind="user", id=acme.customer.user_id),
                data={**common, "subject": "Help", "agent_only": {"sentiment": -0.8}},
            )
            event_record(
                tenant_id=acme.tenant.id,
                type="message.added",
                visibility=Visibility.INTERNAL,
                subject_id=1,
                data={**common, "message_id": 5, "is_internal": True, "body_text": "note to self"},
            )
        assert relay_all() == 2

    async def connect() -> tuple:
        url = f"{core_gateway.url}?topics=inbox,notifications&token="
        return (
            await open_socket(url + agent_token, origin=origin),
            await open_socket(url + customer_token, origin=origin),
            await open_socket(url + globex_token, origin=f"http://globex.localhost:{settings.WEB_PORT}"),
        )

    async def check(agent, customer, globex) -> None:
        agent_got = events(await receive_until(agent, lambda m: m["type"] == "message.added"))
        assert [m["type"] for m in agent_got] == ["ticket.created", "message.added"]
        assert agent_got[0]["data"]["agent_only"] == {"sentiment": -0.8}
        customer_got = events(await receive(customer, 1.0))
        assert [m["type"] for m in customer_got] == ["ticket.created"]
        assert "agent_only" not in customer_got[0]["data"]
        assert events(await receive(globex, 0.3)) == []
        for ws in (agent, customer, globex):
            await ws.close()

    # Django's database calls may not run inside the event loop, so the loop runs in steps.
    loop = asyncio.new_event_loop()
    try:
        sockets = loop.run_until_complete(connect())
        record_and_relay()  # the sockets are open; what the relay publishes is theirs to receive
        loop.run_until_complete(check(*sockets))
    finally:
        loop.close()


def test_an_event_reaches_the_socket_at_commit_and_once_although_the_relay_runs_too(
    two_tenants, core_gateway, django_capture_on_commit_callbacks
):
    acme = two_tenants.a
    agent_token = session_client(acme.agent).post("/api/v1/realtime/token").json()["token"]
    relay_all()  # what setting up the two tenants recorded: not this test's events
    redis_client().delete(stream_key(acme.tenant.id))
    origin = f"http://acme.localhost:{settings.WEB_PORT}"
    data = {"requester_membership_id": acme.customer.id, "ticket_id": 7, "number": 7, "status": "new"}

    def commit() -> str:
        with django_capture_on_commit_callbacks(execute=True), tenant_context(acme.tenant.id):
            envelope = event_record(
                tenant_id=acme.tenant.id,
                type="ticket.created",
                visibility=Visibility.PUBLIC,
                subject_id=7,
                data={**data, "subject": "Live"},
            )
        return str(envelope.id)

    loop = asyncio.new_event_loop()
    try:
        agent = loop.run_until_complete(
            open_socket(f"{core_gateway.url}?topics=inbox&token={agent_token}", origin=origin)
        )
        event_id = commit()  # the commit hook publishes; no relay has run yet
        first = events(loop.run_until_complete(receive_until(agent, lambda m: m["type"] == "ticket.created")))
        assert [m["data"]["subject"] for m in first] == ["Live"]
        assert relay_all() == 1  # the safety net runs as well (subscribers, the row marked)
        with tenant_context(acme.tenant.id):
            assert OutboxEvent.objects.get(event_id=event_id).stream_id == first[0]["id"]  # the same entry
        assert events(loop.run_until_complete(receive(agent, 1.0))) == []  # and adds nothing
        loop.run_until_complete(agent.close())
    finally:
        loop.close()
