"""`python -m realtime`: run the gateway on uvicorn, draining sockets before uvicorn drops them."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import sys

import uvicorn

from realtime.gateway import app


class RedactTokens(logging.Filter):
    """uvicorn logs each socket's path with its query string at info level; the query carries the
    connection token, which must not end up in log files (it is a bearer credential until it expires)."""

    _token = re.compile(r"(token=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                self._token.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


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
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("FRONTLINE_REALTIME_WORKERS", "1")),
        help="gateway processes sharing the port; each reads every tenant stream it serves from Redis",
    )
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("uvicorn.error").addFilter(RedactTokens())
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
    if args.workers <= 1:
        DrainingServer(config).run()
        return
    sys.exit(run_processes(config, args.workers))


def run_processes(config: uvicorn.Config, workers: int) -> int:
    """Several gateways on one listening socket (forked after it is bound).

    uvicorn's own multi-worker supervisor builds plain `Server`s, which would drop the sockets
    without the drain; so this small supervisor forks `DrainingServer`s, forwards SIGTERM/SIGINT
    to them (each drains and exits) and restarts one that dies while we are not stopping.
    The gateways share nothing but Redis, so any of them can serve any client.
    """
    sock = config.bind_socket()
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the child: default signal handling, then serve until told to stop
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            DrainingServer(config).run(sockets=[sock])
            os._exit(0)
        children.add(pid)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                children.discard(pid)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        if not stopping:
            logging.getLogger("realtime").warning(
                "gateway process %s exited (%s); starting another", pid, status
            )
            spawn()
    sock.close()
    return 0


if __name__ == "__main__":
    main()
