"""`python -m realtime`: run the gateway on uvicorn, draining sockets before uvicorn drops them."""

from __future__ import annotations

import argparse
import logging
import os
import socket

import uvicorn

from realtime.gateway import app


class DrainingServer(uvicorn.Server):
    """uvicorn closes open WebSockets abruptly on shutdown; first let each flush and say 'reconnect'."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await app.drain()
        await super().shutdown(sockets)


def main() -> None:
    parser = argparse.ArgumentParser(description="Frontline realtime WebSocket gateway")
    parser.add_argument("--host", default=os.environ.get("FRONTLINE_BIND", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FRONTLINE_REALTIME_PORT", "8002")))
    parser.add_argument("--log-level", default=os.environ.get("FRONTLINE_LOG_LEVEL", "info").lower())
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        lifespan="on",
        # The sans-I/O protocol applies TCP back-pressure to send(), which the bounded queue relies on;
        # compression is off because a deflate context per socket costs far more memory than it saves.
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
        ws_max_size=64 * 1024,
        backlog=4096,
        timeout_graceful_shutdown=10,
    )
    DrainingServer(config).run()


if __name__ == "__main__":
    main()
