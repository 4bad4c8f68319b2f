"""Two gateway processes sharing only Redis: events reach both, presence and typing cross between them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from realtime.tests.support import (
    GatewayProcess,
    events,
    new_tenant_id,
    open_socket,
    publish,
    receive,
    receive_until,
    redis_url,
    token,
    ws_url,
)

FAST_PRESENCE = {"FRONTLINE_REALTIME_TYPING_TTL": "1", "FRONTLINE_REALTIME_PRESENCE_SWEEP": "0.2"}


@pytest.fixture(scope="module")
def two_gateways() -> Iterator[tuple[GatewayProcess, GatewayProcess]]:
    first = GatewayProcess(redis_url(), **FAST_PRESENCE)
    second = GatewayProcess(redis_url(), **FAST_PRESENCE)
    yield first, second
    first.stop()
    second.stop()


def _viewers(message: dict) -> list[tuple[int, bool]]:
    return [(v["membership_id"], v["typing"]) for v in message["data"]["viewers"]]


def test_events_reach_sockets_on_every_gateway(two_gateways, redis_client) -> None:
    one, two = two_gateways
    tenant = new_tenant_id()

    async def scenario() -> None:
        a = await open_socket(ws_url(one.url, token(tenant, 1)))
        b = await open_socket(ws_url(two.url, token(tenant, 2)))
        ids = [publish(redis_client, tenant, n=n) for n in range(10)]
        for ws in (a, b):
            got = events(await receive_until(ws, lambda m: m["id"] == ids[-1]))
            assert [m["id"] for m in got] == ids
            await ws.close()

    asyncio.run(scenario())


def test_agents_on_different_gateways_see_who_views_and_types(two_gateways) -> None:
    one, two = two_gateways
    tenant = new_tenant_id()
    ada, bert, carla = 41, 42, 43

    def presence_is(expected):
        return lambda m: m["type"] == "presence.changed" and _viewers(m) == expected

    async def scenario() -> None:
        ada_ws = await open_socket(ws_url(one.url, token(tenant, ada, name="Ada"), topics="ticket:9"))
        bert_ws = await open_socket(ws_url(two.url, token(tenant, bert, name="Bert"), topics="ticket:9"))
        customer_ws = await open_socket(
            ws_url(two.url, token(tenant, carla, role="customer"), topics="ticket:9")
        )
        other_ticket = await open_socket(ws_url(two.url, token(tenant, 44), topics="ticket:10"))

        # Bert (gateway two) sees Ada (gateway one) viewing, with her name.
        got = await receive_until(bert_ws, presence_is([(ada, False), (bert, False)]))
        assert got[-1]["data"]["viewers"][0]["name"] == "Ada"
        assert got[-1]["data"]["ticket_id"] == 9
        # Bert opens the ticket in a second tab: nothing changed, yet the new tab is told who is there.
        bert_tab = await open_socket(ws_url(one.url, token(tenant, bert, name="Bert"), topics="ticket:9"))
        await receive_until(bert_tab, presence_is([(ada, False), (bert, False)]))
        await bert_tab.close()

        await ada_ws.send('{"op": "typing", "ticket_id": 9}')
        await receive_until(bert_ws, presence_is([(ada, True), (bert, False)]))
        # Typing expires by itself (TTL 1 s) when Ada stops sending it.
        await receive_until(bert_ws, presence_is([(ada, False), (bert, False)]), timeout=5)

        await ada_ws.send('{"op": "typing", "ticket_id": 10}')  # not her ticket: refused
        error = await receive_until(ada_ws, lambda m: m["type"] == "realtime.error")
        assert "subscribed ticket" in error[-1]["data"]["detail"]

        await ada_ws.close()
        await receive_until(bert_ws, presence_is([(bert, False)]))

        assert await receive(customer_ws, 0.5) == []  # customers are not told who is on a ticket
        other = await receive(other_ticket, 0.5, types=("presence.changed",))
        assert all(m["data"]["ticket_id"] == 10 for m in other)
        for ws in (bert_ws, customer_ws, other_ticket):
            await ws.close()

    asyncio.run(scenario())


def test_a_crashed_gateways_viewers_expire(redis_client) -> None:
    tenant = new_tenant_id()
    doomed = GatewayProcess(redis_url(), FRONTLINE_REALTIME_PRESENCE_TTL="1.5", **FAST_PRESENCE)
    survivor = GatewayProcess(redis_url(), FRONTLINE_REALTIME_PRESENCE_TTL="1.5", **FAST_PRESENCE)

    async def scenario() -> None:
        ghost = await open_socket(ws_url(doomed.url, token(tenant, 51), topics="ticket:3"))
        watcher = await open_socket(ws_url(survivor.url, token(tenant, 52), topics="ticket:3"))
        await receive_until(
            watcher, lambda m: m["type"] == "presence.changed" and len(m["data"]["viewers"]) == 2
        )
        doomed.stop(sig=9)  # no goodbye from the gateway: only the TTL clears the ghost
        got = await receive_until(
            watcher, lambda m: m["type"] == "presence.changed" and _viewers(m) == [(52, False)], timeout=10
        )
        assert got
        await watcher.close()
        del ghost

    try:
        asyncio.run(scenario())
    finally:
        doomed.stop()
        survivor.stop()
