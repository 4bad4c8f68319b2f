"""Redis restarts, slow consumers, heartbeats and idle timeouts, graceful drain."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import redis

from contracts.realtime import CloseCode
from realtime.tests.support import (
    GatewayProcess,
    RedisServer,
    events,
    new_tenant_id,
    open_socket,
    publish,
    read_until_closed,
    receive_for,
    receive_until,
    token,
    ws_url,
)


def test_sockets_survive_a_redis_restart_and_learn_when_the_stream_was_lost(tmp_path: Path) -> None:
    server = RedisServer(tmp_path, appendonly=True)
    gw = GatewayProcess(server.url, FRONTLINE_REALTIME_HEARTBEAT="60")
    client = redis.Redis.from_url(server.url)
    tenant = new_tenant_id()

    async def scenario() -> None:
        ws = await open_socket(ws_url(gw.url, token(tenant, 1)))
        first = publish(client, tenant, n=1)
        assert [m["id"] for m in events(await receive_until(ws, lambda m: m["id"] == first))] == [first]

        # given Redis crashes and comes back with its data (append-only file)
        server.kill()
        await asyncio.sleep(1.0)
        server.start()
        second = publish(client, tenant, n=2)
        # then the same socket gets the next entry, once, with no resync
        got = await receive_until(ws, lambda m: m["id"] == second, timeout=15)
        assert [m["data"]["n"] for m in events(got)] == [2]
        assert not [m for m in got if m["type"] == "realtime.resync"]

        # given Redis comes back empty (no persistence): the socket is told to resync, then goes on live
        server.kill()
        for path in tmp_path.glob("appendonly*"):
            if path.is_dir():
                for child in path.iterdir():
                    child.unlink()
                path.rmdir()
            else:
                path.unlink()
        await asyncio.sleep(0.5)
        server.start()
        got = await receive_until(ws, lambda m: m["type"] == "realtime.resync", timeout=15)
        assert got[-1]["data"]["reason"] == "stream_reset"
        third = publish(client, tenant, n=3)
        assert [m["data"]["n"] for m in events(await receive_until(ws, lambda m: m["id"] == third))] == [3]
        await ws.close()

    try:
        asyncio.run(scenario())
    finally:
        gw.stop()
        server.kill()
        client.close()


def test_a_slow_consumer_is_cut_off_with_a_hint_and_does_not_hold_back_others(redis_client) -> None:
    gw = GatewayProcess(_url(redis_client), FRONTLINE_REALTIME_QUEUE="64")
    tenant = new_tenant_id()
    total, blob = 600, "x" * 16_000  # ~10 MB: more than the socket buffers between us hold

    async def scenario() -> None:
        # The slow client's library stops reading after 1 message, so TCP back-pressure builds up.
        slow = await open_socket(ws_url(gw.url, token(tenant, 1)), max_queue=1)
        fast = await open_socket(ws_url(gw.url, token(tenant, 2)), max_size=2**22)
        # The fast socket reads all along while a thread publishes.
        reading = asyncio.create_task(
            receive_until(fast, lambda m: m["data"].get("n") == total - 1, timeout=60)
        )
        ids = await asyncio.to_thread(
            lambda: [publish(redis_client, tenant, n=n, blob=blob) for n in range(total)]
        )
        fast_got = events(await reading)
        assert [m["data"]["n"] for m in fast_got] == list(range(total))

        await asyncio.sleep(3)  # the gateway gives up on the close handshake after 2 s
        slow_got, code, reason = await read_until_closed(slow)
        slow_events = events(slow_got)
        assert len(slow_events) < total, "the slow client was never cut off"
        assert code in (None, CloseCode.SLOW_CONSUMER), code
        if code == CloseCode.SLOW_CONSUMER:
            assert "last_id=" in reason
        # Reconnecting with the last id it has, it gets the rest: nothing lost, nothing twice.
        resumed = await open_socket(
            ws_url(gw.url, token(tenant, 1), last_id=slow_events[-1]["id"]), max_size=2**22
        )
        rest = events(await receive_until(resumed, lambda m: m["id"] == ids[-1], timeout=60))
        assert [m["data"]["n"] for m in slow_events + rest] == list(range(total))
        for ws in (fast, resumed):
            await ws.close()

    try:
        asyncio.run(scenario())
    finally:
        gw.stop()


def _url(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


def test_heartbeats_flow_and_silent_clients_time_out(redis_client) -> None:
    gw = GatewayProcess(
        _url(redis_client), FRONTLINE_REALTIME_HEARTBEAT="0.3", FRONTLINE_REALTIME_IDLE_TIMEOUT="1.5"
    )
    tenant = new_tenant_id()

    async def scenario() -> None:
        chatty = await open_socket(ws_url(gw.url, token(tenant, 1)))
        silent = await open_socket(ws_url(gw.url, token(tenant, 2)))
        heartbeats = 0
        for _ in range(8):  # 2.4 s, longer than the idle timeout
            await chatty.send('{"op": "ping"}')
            got = await receive_for(chatty, 0.3)
            heartbeats += sum(m["type"] == "realtime.heartbeat" for m in got)
        assert heartbeats >= 3
        _, code, _ = await read_until_closed(silent, 5)
        assert code == CloseCode.IDLE_TIMEOUT
        last = publish(redis_client, tenant, n=1)
        assert events(await receive_until(chatty, lambda m: m["id"] == last))  # the chatty one lives on
        await chatty.close()

    try:
        asyncio.run(scenario())
    finally:
        gw.stop()


def test_shutdown_drains_queued_events_then_says_reconnect(redis_client) -> None:
    gw = GatewayProcess(_url(redis_client))
    tenant = new_tenant_id()

    async def scenario() -> None:
        ws = await open_socket(ws_url(gw.url, token(tenant, 1)))
        last = publish(redis_client, tenant, n=1)
        await receive_until(ws, lambda m: m["id"] == last)
        await asyncio.get_running_loop().run_in_executor(None, gw.proc.send_signal, signal.SIGTERM)
        messages, code, _ = await read_until_closed(ws)
        assert code == CloseCode.SERVICE_RESTART
        reconnect = [m for m in messages if m["type"] == "realtime.reconnect"]
        assert reconnect and reconnect[0]["data"]["last_id"] == last

    try:
        asyncio.run(scenario())
        # uvicorn re-raises the SIGTERM it handled once shut down, hence -15: a clean exit, not a kill.
        assert gw.proc.wait(15) in (0, -signal.SIGTERM)
    finally:
        gw.stop()
