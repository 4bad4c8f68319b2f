"""Who may connect, and who receives which event: customers, internal notes, other tenants."""

from __future__ import annotations

import asyncio

from contracts.events import Visibility
from contracts.realtime import CloseCode, TokenKind
from realtime.tests.support import (
    GatewayProcess,
    close_code_of,
    events,
    new_tenant_id,
    open_socket,
    publish,
    receive,
    receive_until,
    token,
    ws_url,
)


def test_refuses_bad_tokens_wrong_origins_and_junk_with_close_codes(gateway: GatewayProcess) -> None:
    tenant = new_tenant_id()

    async def scenario() -> None:
        good = token(tenant, 1)
        assert await close_code_of(ws_url(gateway.url, "rt1.garbage.sig")) == CloseCode.UNAUTHORIZED
        assert await close_code_of(ws_url(gateway.url, token(tenant, 1, secret="not-ours"))) == 4401
        assert await close_code_of(ws_url(gateway.url, token(tenant, 1, exp_in=-5))) == 4401
        assert await close_code_of(f"{gateway.url}?topics=inbox") == 4401
        evil = "http://evil.example"
        assert await close_code_of(ws_url(gateway.url, good), origin=evil) == CloseCode.FORBIDDEN_ORIGIN
        # Another tenant's host is another origin: acme's token is refused from globex's page.
        assert await close_code_of(ws_url(gateway.url, good), origin="http://globex.localhost:8000") == 4403
        # A browser token needs an Origin; an integration's (API token) may go without.
        assert await close_code_of(ws_url(gateway.url, good), origin=None) == 4403
        integration = token(tenant, 1, kind=TokenKind.API_TOKEN)
        ws = await open_socket(ws_url(gateway.url, integration), origin=None)
        await ws.close()
        assert await close_code_of(ws_url(gateway.url, good, topics="tickets:1")) == CloseCode.BAD_REQUEST
        assert await close_code_of(ws_url(gateway.url, good, last_id="yesterday")) == CloseCode.BAD_REQUEST

    asyncio.run(scenario())


def test_customers_get_only_public_events_of_their_own_tickets_and_tenants_stay_apart(
    gateway: GatewayProcess, redis_client
) -> None:
    acme, globex = new_tenant_id(), new_tenant_id()
    alice, bob, agent, globex_agent = 11, 12, 21, 31  # membership ids

    async def scenario() -> None:
        agent_ws = await open_socket(ws_url(gateway.url, token(acme, agent)))
        # Bob also asks for Alice's ticket topic: topics never widen permissions.
        alice_ws = await open_socket(ws_url(gateway.url, token(acme, alice, role="customer")))
        bob_ws = await open_socket(
            ws_url(gateway.url, token(acme, bob, role="customer"), topics="inbox,notifications,ticket:100")
        )
        globex_ws = await open_socket(ws_url(gateway.url, token(globex, globex_agent)))

        publish(
            redis_client,
            acme,
            "ticket.created",
            subject_id=100,
            requester_membership_id=alice,
            subject="Printer on fire",
            agent_only={"ai_priority": "urgent", "confidence": 0.93},
        )
        publish(
            redis_client,
            acme,
            "message.added",
            Visibility.INTERNAL,
            subject_id=100,
            requester_membership_id=alice,
            body="internal: customer is difficult",
        )
        publish(
            redis_client,
            acme,
            "ticket.created",
            subject_id=200,
            requester_membership_id=bob,
            subject="Refund",
        )
        publish(
            redis_client,
            acme,
            "notification.created",
            subject_id=None,
            recipient_membership_id=agent,
            text="You were assigned #100",
        )
        publish(
            redis_client, acme, "ticket.updated", subject_id=300, status="open"
        )  # no requester: staff only
        last = publish(
            redis_client,
            acme,
            "ticket.updated",
            subject_id=100,
            requester_membership_id=alice,
            status="solved",
        )
        publish(
            redis_client,
            globex,
            "ticket.created",
            subject_id=100,
            requester_membership_id=alice,
            subject="Globex",
        )

        agent_got = events(await receive_until(agent_ws, lambda m: m["id"] == last))
        alice_got = events(await receive(alice_ws, 1.0))
        bob_got = events(await receive(bob_ws, 0.5))
        globex_got = events(await receive(globex_ws, 0.5))

        assert [m["type"] for m in agent_got] == [
            "ticket.created",
            "message.added",
            "ticket.created",
            "notification.created",
            "ticket.updated",
            "ticket.updated",
        ]
        assert agent_got[0]["data"]["agent_only"]["confidence"] == 0.93  # staff see everything
        assert agent_got[0]["actor"]["id"] == 77

        assert [(m["type"], m["subject_id"]) for m in alice_got] == [
            ("ticket.created", 100),
            ("ticket.updated", 100),
        ]
        assert all("agent_only" not in m["data"] for m in alice_got)
        assert all("id" not in m["actor"] for m in alice_got)
        assert "internal" not in str(alice_got)

        assert [(m["type"], m["subject_id"]) for m in bob_got] == [("ticket.created", 200)]
        assert [m["data"]["subject"] for m in globex_got] == ["Globex"]
        for ws in (agent_ws, alice_ws, bob_ws, globex_ws):
            await ws.close()

    asyncio.run(scenario())


def test_topics_narrow_what_a_socket_receives_and_can_change_while_connected(
    gateway: GatewayProcess, redis_client
) -> None:
    tenant = new_tenant_id()

    async def scenario() -> None:
        ws = await open_socket(ws_url(gateway.url, token(tenant, 5), topics="ticket:7"))
        publish(redis_client, tenant, subject_id=8, n=1)
        first = publish(redis_client, tenant, subject_id=7, n=2)
        assert [m["data"]["n"] for m in events(await receive_until(ws, lambda m: m["id"] == first))] == [2]
        await ws.send('{"op": "subscribe", "topics": ["ticket:8"]}')
        await ws.send('{"op": "unsubscribe", "topics": ["ticket:7"]}')
        await ws.send('{"op": "ping"}')
        await receive_until(ws, lambda m: m["type"] == "realtime.pong")
        publish(redis_client, tenant, subject_id=7, n=3)
        last = publish(redis_client, tenant, subject_id=8, n=4)
        assert [m["data"]["n"] for m in events(await receive_until(ws, lambda m: m["id"] == last))] == [4]
        await ws.send("not json")
        await ws.send('{"op": "subscribe", "topics": ["everything"]}')
        errors = await receive(ws, 0.5, types=("realtime.error",))
        assert len(errors) == 2 and "unknown topic" in errors[1]["data"]["detail"]
        await ws.close()

    asyncio.run(scenario())


def test_customers_copied_on_a_ticket_see_its_public_events_but_not_internal_ones(
    gateway: GatewayProcess, redis_client
) -> None:
    tenant = new_tenant_id()

    async def scenario() -> None:
        follower = await open_socket(ws_url(gateway.url, token(tenant, 61, role="customer")))
        outsider = await open_socket(ws_url(gateway.url, token(tenant, 62, role="customer")))
        publish(
            redis_client, tenant, subject_id=5, requester_membership_id=60, follower_membership_ids=[61], n=1
        )
        publish(
            redis_client,
            tenant,
            "message.added",
            Visibility.INTERNAL,
            subject_id=5,
            requester_membership_id=60,
            follower_membership_ids=[61],
            n=2,
        )
        # Labelled public by mistake, but the payload says internal note: still never to a customer.
        publish(
            redis_client,
            tenant,
            "message.added",
            subject_id=5,
            requester_membership_id=61,
            is_internal=True,
            n=9,
        )
        last = publish(
            redis_client, tenant, subject_id=5, requester_membership_id=60, follower_membership_ids=[61], n=3
        )
        got = events(await receive_until(follower, lambda m: m["id"] == last))
        assert [m["data"]["n"] for m in got] == [1, 3]
        assert events(await receive(outsider, 0.5)) == []
        for ws in (follower, outsider):
            await ws.close()

    asyncio.run(scenario())
