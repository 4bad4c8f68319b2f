"""No gaps, no duplicates: reconnecting with the last id replays exactly what was missed."""

from __future__ import annotations

import asyncio

from contracts.events import stream_key
from realtime.tests.support import (
    GatewayProcess,
    events,
    new_tenant_id,
    open_socket,
    publish,
    receive,
    receive_until,
    token,
    ws_url,
)


def test_reconnect_with_last_id_gets_every_missed_event_once_even_while_publishing(
    gateway: GatewayProcess, redis_client
) -> None:
    tenant = new_tenant_id()

    async def scenario() -> None:
        ws = await open_socket(ws_url(gateway.url, token(tenant, 1)))
        for n in range(5):
            last = publish(redis_client, tenant, n=n)
        before = events(await receive_until(ws, lambda m: m["id"] == last))
        await ws.close()
        for n in range(5, 40):
            publish(redis_client, tenant, n=n)

        async def keep_publishing() -> str:
            # Entries land while the new socket replays: they must be neither lost nor doubled.
            for n in range(40, 140):
                tail = publish(redis_client, tenant, n=n)
                if n % 10 == 0:
                    await asyncio.sleep(0.005)
            return tail

        publisher = asyncio.create_task(keep_publishing())
        ws = await open_socket(ws_url(gateway.url, token(tenant, 1), last_id=before[-1]["id"]))
        tail = await publisher
        after = events(await receive_until(ws, lambda m: m["id"] == tail))
        await ws.close()

        received = [m["data"]["n"] for m in before + after]
        assert received == list(range(140))
        stream_ids = [raw.decode() for raw, _ in redis_client.xrange(stream_key(tenant))]
        assert [m["id"] for m in before + after] == stream_ids

    asyncio.run(scenario())


def test_last_id_older_than_the_stream_keeps_gets_an_explicit_resync(
    gateway: GatewayProcess, redis_client
) -> None:
    tenant = new_tenant_id()

    async def scenario() -> None:
        ids = [publish(redis_client, tenant, n=n) for n in range(20)]
        redis_client.xtrim(stream_key(tenant), maxlen=5)  # what the relay's MAXLEN does over time
        ws = await open_socket(ws_url(gateway.url, token(tenant, 1), last_id=ids[2]))
        messages = await receive(ws, 0.5)
        assert [m["type"] for m in messages] == ["realtime.resync"]
        assert messages[0]["data"] == {"reason": "too_old", "resume_from": ids[-1]}
        # The socket stays live from the stream head on.
        newest = publish(redis_client, tenant, n=20)
        assert [m["id"] for m in events(await receive_until(ws, lambda m: m["id"] == newest))] == [newest]
        await ws.close()

        # A still-kept id resumes normally, without resync.
        ws = await open_socket(ws_url(gateway.url, token(tenant, 1), last_id=ids[16]))
        messages = await receive(ws, 0.5)
        assert [m["data"]["n"] for m in messages] == [17, 18, 19, 20]
        await ws.close()

    asyncio.run(scenario())
