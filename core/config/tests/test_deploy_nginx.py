"""deploy/nginx: the production config under a real nginx, in front of small recording upstreams.

The engines tests put the same config in front of real gunicorn servers and gateways; these
check the proxy's own promises: valid in plain and TLS mode, balanced, forwarded headers set
and a client's X-Forwarded-For not trusted, /ws upgraded, large bodies refused at the door, and
a POST never re-sent to a second server after the first may have acted on it.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from testing.nginx import check_config, start_nginx, write_self_signed_cert
from testing.workers import REPO

RENDER = REPO / "deploy" / "nginx" / "render.py"


@dataclass
class Upstream:
    """A loopback HTTP/1.1 server that records each request's first line and headers.

    mode "ok" answers 200 naming itself; "drop" reads the request and closes without answering
    (a server that crashed after receiving it); "ws" answers 101 and then echoes bytes.
    """

    mode: str = "ok"
    requests: list[dict[str, str]] = field(default_factory=list)
    sock: socket.socket = field(default_factory=socket.socket)

    def __post_init__(self) -> None:
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            reader = conn.makefile("rb")
            while True:
                line = reader.readline().decode()
                if not line:
                    return
                headers = {"request": line.strip()}
                while (header := reader.readline().decode().strip()) != "":
                    name, _, value = header.partition(":")
                    headers[name.strip().lower()] = value.strip()
                reader.read(int(headers.get("content-length", "0")))
                self.requests.append(headers)
                if self.mode == "drop":
                    return
                if self.mode == "ws":
                    conn.sendall(
                        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                    )
                    while data := conn.recv(1024):
                        conn.sendall(b"echo:" + data)
                    return
                body = f"port={self.port}".encode()
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    def saw(self, marker: str) -> bool:
        return any(marker in r["request"] for r in self.requests)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def upstreams() -> Iterator[list[Upstream]]:
    made: list[Upstream] = []
    yield made
    for upstream in made:
        upstream.close()


def _request(port: int, method: str, path: str, **headers: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            method,
            path,
            body=b"x" if method == "POST" else None,
            headers={"Host": "acme.localhost", **headers},
        )
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def test_config_passes_nginx_t_in_plain_and_tls_mode(tmp_path):
    from deploy.nginx.render import render_nginx_config

    plain = render_nginx_config([8101, 8102], ["127.0.0.1:8201", 8202], 8080)
    result = check_config(plain, tmp_path / "plain")
    assert result.returncode == 0, result.stderr
    cert, key = write_self_signed_cert(tmp_path / "tls")
    tls = render_nginx_config(
        [8101], [8201], 8443, str(cert), str(key), http_port=8081, acme_root=str(tmp_path)
    )
    result = check_config(tls, tmp_path / "tls-prefix")
    assert result.returncode == 0, result.stderr
    # nginx -t is a real check: a certificate path that does not exist fails it.
    broken = render_nginx_config([8101], [8201], 8443, str(tmp_path / "missing.pem"), str(key))
    assert check_config(broken, tmp_path / "broken").returncode != 0


def test_committed_compose_config_is_the_rendered_template():
    result = subprocess.run(
        [sys.executable, str(RENDER), "--compose", "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_requests_spread_over_web_servers_with_forwarded_headers(tmp_path, upstreams):
    upstreams += [Upstream(), Upstream()]
    ws = Upstream()
    upstreams.append(ws)
    with start_nginx(tmp_path, web_ports=[u.port for u in upstreams[:2]], realtime_ports=[ws.port]) as proxy:
        answers = {_request(proxy.port, "GET", f"/api/v1/tickets?n={i}")[1] for i in range(4)}
        assert answers == {f"port={u.port}" for u in upstreams[:2]}  # both servers took requests
        _request(
            proxy.port, "GET", "/whoami", **{"X-Forwarded-For": "203.0.113.9", "Host": "acme.localhost:8443"}
        )
    seen = next(r for u in upstreams[:2] for r in u.requests if "/whoami" in r["request"])
    assert seen["host"] == "acme.localhost:8443"  # with its port: CSRF compares it with Origin
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-for"] == "127.0.0.1"  # the client's own claim is replaced
    assert seen["x-real-ip"] == "127.0.0.1"
    assert not ws.requests  # plain requests never reach the gateways


def test_post_is_never_resent_but_a_get_moves_to_the_next_server(tmp_path, upstreams):
    dropping, healthy = Upstream(mode="drop"), Upstream()
    upstreams += [dropping, healthy]
    with start_nginx(
        tmp_path, web_ports=[dropping.port, healthy.port], realtime_ports=[healthy.port]
    ) as proxy:
        # A GET the first server swallowed is answered by the second.
        for _ in range(4):
            marker = uuid.uuid4().hex
            status, body = _request(proxy.port, "GET", f"/list?{marker}")
            assert status == 200 and body == f"port={healthy.port}"
            if dropping.saw(marker):
                assert healthy.saw(marker)
                break
        else:
            pytest.fail("no GET reached the dropping server")
        # A POST the first server received is not sent again: the client sees 502, the
        # second server never sees it (it might have been a ticket created twice).
        for _ in range(4):
            marker = uuid.uuid4().hex
            status, _ = _request(proxy.port, "POST", f"/create?{marker}", **{"Content-Type": "text/plain"})
            if dropping.saw(marker):
                assert status == 502
                assert not healthy.saw(marker)
                break
            assert status == 200
        else:
            pytest.fail("no POST reached the dropping server")


def test_websocket_upgrade_is_routed_to_the_gateways(tmp_path, upstreams):
    web, gateway = Upstream(), Upstream(mode="ws")
    upstreams += [web, gateway]
    with start_nginx(tmp_path, web_ports=[web.port], realtime_ports=[gateway.port]) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as client:
            client.sendall(
                b"GET /ws?token=t&topics=inbox HTTP/1.1\r\nHost: acme.localhost\r\n"
                b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://acme.localhost\r\n\r\n"
            )
            reply = client.recv(4096)
            assert reply.startswith(b"HTTP/1.1 101"), reply
            client.sendall(b"hello")  # the tunnel stays open both ways
            assert client.recv(1024) == b"echo:hello"
    (seen,) = gateway.requests
    assert seen["request"].startswith("GET /ws?token=t&topics=inbox ")
    assert seen["upgrade"] == "websocket" and seen["connection"] == "upgrade"
    assert seen["origin"] == "http://acme.localhost"  # the gateway checks it against the token
    assert seen["x-forwarded-for"] == "127.0.0.1" and seen["host"] == "acme.localhost"
    assert not web.requests


def test_bodies_above_the_attachment_limit_are_refused_at_the_door(tmp_path, upstreams):
    web = Upstream()
    upstreams.append(web)
    with start_nginx(tmp_path, web_ports=[web.port], realtime_ports=[web.port]) as proxy:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
        conn.putrequest("POST", "/api/v1/attachments", skip_host=True)
        conn.putheader("Host", "acme.localhost")
        conn.putheader("Content-Length", str(30 * 1024 * 1024))  # declared; nginx answers first
        conn.endheaders()
        assert conn.getresponse().status == 413
        conn.close()
        status, _ = _request(proxy.port, "POST", "/api/v1/attachments", **{"Content-Length": "1"})
        assert status == 200
    assert len(web.requests) == 1


def test_tls_mode_serves_https_and_redirects_plain_http(tmp_path, upstreams):
    web = Upstream()
    upstreams.append(web)
    with start_nginx(
        tmp_path, web_ports=[web.port], realtime_ports=[web.port], tls=True, http_redirect=True
    ) as proxy:
        assert proxy.cert_path is not None and proxy.http_port is not None
        context = ssl.create_default_context(cafile=str(proxy.cert_path))
        conn = http.client.HTTPSConnection("localhost", proxy.port, context=context, timeout=10)
        conn.request("GET", "/portal", headers={"Host": "acme.localhost"})
        response = conn.getresponse()
        assert response.status == 200 and response.read() == f"port={web.port}".encode()
        redirect = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
        redirect.request("GET", "/tickets/7?x=1", headers={"Host": "acme.localhost"})
        moved = redirect.getresponse()
        assert moved.status == 301
        assert moved.getheader("Location") == f"https://acme.localhost:{proxy.port}/tickets/7?x=1"
    (seen,) = web.requests
    assert seen["x-forwarded-proto"] == "https"  # Django's SECURE_PROXY_SSL_HEADER trusts this


def test_render_refuses_half_a_tls_setup_and_bad_servers():
    from deploy.nginx.render import main, render_nginx_config

    with pytest.raises(ValueError, match="both"):
        render_nginx_config([8000], [8002], 443, tls_cert="/c.pem")
    with pytest.raises(ValueError, match="at least one web"):
        render_nginx_config([], [8002], 80)
    with pytest.raises(ValueError, match="host:port"):
        render_nginx_config(["web; evil"], [8002], 80)
    assert main(["--web", "web:8000"]) == 2  # no gateway: refused with one line, no traceback
