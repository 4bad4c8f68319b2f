"""Render Frontline's nginx config (frontline.conf.template) for a given set of upstream servers.

    python deploy/nginx/render.py --web web:8000 --realtime realtime:8002 --tls \\
        --cert /etc/nginx/tls/fullchain.pem --key /etc/nginx/tls/privkey.pem > frontline.conf

`deploy/nginx/frontline.conf` is this script's output for compose.yaml (`--compose`); a test
fails when it is stale. Tests render it with loopback ports (core/testing/nginx.py).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("frontline.conf.template")
COMPOSE_OUTPUT = Path(__file__).with_name("frontline.conf")
# The same default as FRONTLINE_ATTACHMENT_MAX_BYTES (core/config/settings/files.py), plus room for
# the multipart envelope and the other form fields of an upload.
DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024
BODY_ENVELOPE_BYTES = 1024 * 1024
# What compose.yaml runs: service names resolve on the compose network.
COMPOSE_ARGS = [
    "--web",
    "web-1:8000",
    "--web",
    "web-2:8000",
    "--realtime",
    "realtime-1:8002",
    "--realtime",
    "realtime-2:8002",
    "--tls",
    "--cert",
    "/run/secrets/tls_cert",
    "--key",
    "/run/secrets/tls_key",
    "--acme-root",
    "/var/www/acme",
]

Server = int | str  # a loopback port, or "host:port"


def _address(server: Server) -> str:
    if isinstance(server, int) or str(server).isdigit():
        return f"127.0.0.1:{int(server)}"
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d+", server):
        raise ValueError(f"upstream server must be a port or host:port, got {server!r}")
    return server


# A location with any proxy_set_header of its own inherits none from the server block, so
# every location carries the whole list.
FORWARDED_HEADERS = """\
        # The Host with its port, as the browser sent it: CSRF compares it with the Origin.
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
        # nginx is the edge: a client's own X-Forwarded-For is replaced, never passed on.
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Real-IP $remote_addr;"""


def _servers(servers: Sequence[Server], what: str) -> str:
    if not servers:
        raise ValueError(f"at least one {what} server is needed")
    # A server that failed twice is left alone for 10 s, then tried again.
    return "\n".join(f"    server {_address(s)} max_fails=2 fail_timeout=10s;" for s in servers)


def _listen(port: int, address: str | None, tls: bool) -> str:
    where = f"{address}:{port}" if address else str(port)
    return f"    listen {where}{' ssl' if tls else ''};"


def _tls_block(cert: str, key: str) -> str:
    return "\n".join(
        [
            f"    ssl_certificate {cert};",
            f"    ssl_certificate_key {key};",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    ssl_prefer_server_ciphers off;",
            "    ssl_session_cache shared:frontline_tls:10m;",
            "    ssl_session_timeout 1d;",
            "    ssl_session_tickets off;",
            "    # HSTS comes from core (FRONTLINE_HSTS_SECONDS), with the other security headers.",
        ]
    )


def _redirect_server(http_port: int, tls_port: int, address: str | None, acme_root: str | None) -> str:
    target = "https://$host$request_uri" if tls_port == 443 else f"https://$host:{tls_port}$request_uri"
    acme = (
        f"    # Let's Encrypt's HTTP-01 challenge files (certbot --webroot -w {acme_root}).\n"
        f"    location /.well-known/acme-challenge/ {{\n        root {acme_root};\n    }}\n"
        if acme_root
        else ""
    )
    return (
        "\n# Plain HTTP only redirects to HTTPS.\nserver {\n"
        f"{_listen(http_port, address, tls=False)}\n"
        "    server_name _;\n"
        f"{acme}"
        f"    location / {{\n        return 301 {target};\n    }}\n"
        "}\n"
    )


def render_nginx_config(
    web_ports: Sequence[Server],
    realtime_ports: Sequence[Server],
    listen_port: int,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    *,
    http_port: int | None = None,
    listen_address: str | None = None,
    server_name: str = "_",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    web_timeout_seconds: int = 60,
    acme_root: str | None = None,
    generated_by: str = "deploy/nginx/render.py",
) -> str:
    """The http-context config text.

    web_ports/realtime_ports: loopback ports (ints) or "host:port" strings. listen_port serves
    HTTPS when tls_cert and tls_key are given (then http_port, if given, redirects to it), plain
    HTTP otherwise. listen_address (e.g. "127.0.0.1") limits the listening sockets; None = all.
    """
    if (tls_cert is None) != (tls_key is None):
        raise ValueError("TLS needs both tls_cert and tls_key")
    tls = tls_cert is not None and tls_key is not None
    if http_port is not None and not tls:
        raise ValueError("http_port is the redirect to HTTPS: it needs tls_cert and tls_key")
    values = {
        "GENERATED": f"Generated by {generated_by}; edit frontline.conf.template, not the output.",
        "WEB_SERVERS": _servers(web_ports, "web"),
        "REALTIME_SERVERS": _servers(realtime_ports, "realtime"),
        "REDIRECT_SERVER": (
            "" if http_port is None else _redirect_server(http_port, listen_port, listen_address, acme_root)
        ),
        "LISTEN": _listen(listen_port, listen_address, tls),
        "SERVER_NAME": server_name,
        "FORWARDED_HEADERS": FORWARDED_HEADERS,
        "TLS": _tls_block(str(tls_cert), str(tls_key)) if tls else "",
        "MAX_BODY": str(max_body_bytes + BODY_ENVELOPE_BYTES),
        "WEB_TIMEOUT": f"{web_timeout_seconds}s",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    leftover = re.search(r"\{\{\w+\}\}", text)
    if leftover:
        raise ValueError(f"template placeholder {leftover.group(0)} has no value")
    # Empty optional blocks leave blank lines behind; collapse runs of them.
    return re.sub(r"\n{3,}", "\n\n", text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Render Frontline's nginx config")
    parser.add_argument("--web", action="append", default=[], help="gunicorn server host:port (repeat)")
    parser.add_argument("--realtime", action="append", default=[], help="gateway host:port (repeat)")
    parser.add_argument("--tls", action="store_true", help="listen 443 with TLS and redirect 80")
    parser.add_argument("--port", type=int, help="listening port (default 443 with --tls, else 80)")
    parser.add_argument("--cert", default="/etc/nginx/tls/fullchain.pem")
    parser.add_argument("--key", default="/etc/nginx/tls/privkey.pem")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--max-body-bytes", type=int, default=DEFAULT_MAX_BODY_BYTES)
    parser.add_argument("--acme-root", help="serve /.well-known/acme-challenge/ from here on port 80")
    parser.add_argument("--compose", action="store_true", help="the arguments compose.yaml needs")
    parser.add_argument("--check", action="store_true", help="with --compose: fail when stale")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    compose, check = args.compose, args.check
    if check and not compose:
        print("render.py: --check only applies with --compose", file=sys.stderr)
        return 2
    if compose:
        args = _parser().parse_args(COMPOSE_ARGS)
    try:
        text = render_nginx_config(
            args.web,
            args.realtime,
            args.port or (443 if args.tls else 80),
            args.cert if args.tls else None,
            args.key if args.tls else None,
            http_port=80 if args.tls else None,
            server_name=args.server_name,
            max_body_bytes=args.max_body_bytes,
            acme_root=args.acme_root,
            generated_by="deploy/nginx/render.py --compose" if compose else "deploy/nginx/render.py",
        )
    except ValueError as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    if check:
        if not COMPOSE_OUTPUT.exists() or COMPOSE_OUTPUT.read_text() != text:
            print(f"{COMPOSE_OUTPUT} is stale: run python deploy/nginx/render.py --compose", file=sys.stderr)
            return 1
        return 0
    if compose:
        COMPOSE_OUTPUT.write_text(text)
        print(f"wrote {COMPOSE_OUTPUT}")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
