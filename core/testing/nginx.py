"""A real nginx (Debian's /usr/sbin/nginx) in front of test servers, with the production config.

    from testing.nginx import start_nginx

    with start_nginx(tmp_path, web_ports=[8101, 8102], realtime_ports=[8201, 8202]) as proxy:
        requests.get(proxy.url("/healthz"), headers={"Host": "acme.localhost"})
        websocket_url = proxy.ws_url("/ws?token=...")

`start_nginx` renders deploy/nginx/frontline.conf.template (the same text production runs) with
the given loopback upstream ports, starts nginx in the foreground with its own prefix under
`tmp_dir` (config, pid, logs, temp files), waits until it accepts connections and returns an
`Nginx`. Plain HTTP by default; `tls=True` serves HTTPS with a self-signed certificate for
localhost (`proxy.cert_path` to verify against), and `http_redirect=True` adds the plain-HTTP
listener that redirects to it (`proxy.http_port`). `stop()` (or leaving the `with`) ends it; a
failed start raises with nginx's error log. `check_config(text, prefix)` runs `nginx -t`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from deploy.nginx.render import Server, render_nginx_config

NGINX_BINARY = "/usr/sbin/nginx"


def nginx_binary() -> str:
    path = NGINX_BINARY if os.access(NGINX_BINARY, os.X_OK) else shutil.which("nginx")
    if not path:
        raise RuntimeError(
            f"nginx is not installed ({NGINX_BINARY} missing): run `apt-get install -y nginx-light` "
            "(or nginx) for the proxy tests"
        )
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main_config(prefix: Path, site_config: Path) -> str:
    """nginx.conf for a private instance: everything it writes stays under `prefix`."""
    # As root, nginx's workers would switch to `nobody`, who cannot enter a test's 0700 temp folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {prefix / 'temp' / kind};" for kind in kinds)
    return (
        f"{user}worker_processes 1;\n"
        "daemon off;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"    access_log {prefix / 'access.log'};\n"
        f"{temp}\n"
        f"    include {site_config};\n"
        "}\n"
    )


def write_self_signed_cert(directory: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A throw-away certificate and key for `host` (and 127.0.0.1), valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    names: list[x509.GeneralName] = [
        x509.DNSName(host),
        x509.DNSName(f"*.{host}"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def _prepare_prefix(prefix: Path, site_text: str) -> Path:
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    site = prefix / "frontline.conf"
    site.write_text(site_text)
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site))
    return conf


def check_config(site_text: str, prefix: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on an http-context config (as frontline.conf is); returncode 0 when valid."""
    conf = _prepare_prefix(prefix, site_text)
    return subprocess.run(
        [nginx_binary(), "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@dataclass
class Nginx:
    port: int
    prefix: Path
    process: subprocess.Popen[bytes]
    scheme: str = "http"
    cert_path: Path | None = None
    http_port: int | None = None
    config: str = field(default="", repr=False)

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def ws_url(self, path: str = "/ws") -> str:
        return f"{'wss' if self.scheme == 'https' else 'ws'}://127.0.0.1:{self.port}{path}"

    @property
    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Fast shutdown (SIGTERM closes every connection, WebSockets included)."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def __enter__(self) -> Nginx:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_nginx(
    tmp_dir: Path,
    *,
    web_ports: Sequence[Server],
    realtime_ports: Sequence[Server],
    tls: bool = False,
    http_redirect: bool = False,
    port: int | None = None,
    timeout: float = 10.0,
) -> Nginx:
    """Start nginx proxying to the given loopback ports; returns once it accepts connections."""
    binary = nginx_binary()
    prefix = tmp_dir / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    listen_port = port or _free_port()
    redirect_port = _free_port() if tls and http_redirect else None
    cert_path = key_path = None
    if tls:
        cert_path, key_path = write_self_signed_cert(prefix / "tls")
    site_text = render_nginx_config(
        web_ports,
        realtime_ports,
        listen_port,
        str(cert_path) if cert_path else None,
        str(key_path) if key_path else None,
        http_port=redirect_port,
        listen_address="127.0.0.1",
    )
    conf = _prepare_prefix(prefix, site_text)
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    scheme = "https" if tls else "http"
    proxy = Nginx(listen_port, prefix, process, scheme, cert_path, redirect_port, site_text)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}:\n{proxy.error_log}")
        try:
            with socket.create_connection(("127.0.0.1", listen_port), timeout=0.5):
                return proxy
        except OSError:
            time.sleep(0.05)
    proxy.stop()
    raise RuntimeError(f"nginx did not listen on {listen_port} within {timeout} s:\n{proxy.error_log}")
