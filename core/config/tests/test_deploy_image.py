"""The image's process without an engine: its build step and its entrypoint, read-only and unprivileged.

Where no container engine runs, the image's own commands run from the checkout: the
Containerfile's collectstatic step into a static folder, then `python scripts/serve.py web`
and `... beat` with the final stage's environment, as UID 10001, with / remounted read-only in
a private mount namespace except the data folder and /tmp (the volume and the tmpfs), the
static folder read-only too. A role that wrote anywhere else would fail here.
"""

from __future__ import annotations

import http.client
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from testing import image, serve
from testing.workers import REPO, free_port, kill_group, start_redis, wait_until


@pytest.fixture
def volume() -> Iterator[Path]:
    """The data volume: owned by the image's user, as the image's VOLUME /data is."""
    path = Path(tempfile.mkdtemp(prefix="frontline-volume-"))
    uid = image_uid()
    if os.geteuid() == 0:
        os.chown(path, uid, uid)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A private Redis: beat publishes its periodic tasks there, not into the tests' broker."""
    port = free_port()
    proc = start_redis(port, tmp_path / "redis")
    yield f"redis://127.0.0.1:{port}/0"
    kill_group(proc)


def image_uid() -> int:
    runtime = image.stages()[-1]
    user = (runtime.last("USER") or "").split(":")[0]
    arg = next((a.split("=", 1)[1] for a in runtime.all("ARG") if a.startswith("FRONTLINE_UID=")), "")
    return int(user.replace("${FRONTLINE_UID}", arg))


def image_env(volume: Path, static: Path) -> dict[str, str]:
    """The final stage's ENV with the image's paths mapped onto this checkout and the test folders."""
    env = image.stages()[-1].env()
    mapped = {}
    for key, value in env.items():
        value = value.replace("/opt/venv/bin", str(Path(sys.executable).parent))
        value = value.replace("$PATH", os.environ.get("PATH", ""))
        if key == "FRONTLINE_STATIC_ROOT":
            value = str(static)
        value = value.replace("/data", str(volume))
        mapped[key] = value
    mapped["FRONTLINE_BIND"] = "127.0.0.1"  # the image binds all interfaces; tests stay on loopback
    return mapped


def collect_static_as_built(static: Path, tmp_path: Path) -> None:
    """The Containerfile's own collectstatic step (the part of its RUN line that collects)."""
    runtime = image.stages()[-1]
    (run,) = [r for r in runtime.all("RUN") if "collectstatic" in r]
    step = next(part for part in run.split("&&") if "collectstatic" in part)
    step = step.replace("/tmp/build-data", str(tmp_path / "build-data"))
    env = dict(os.environ, **image_env(tmp_path / "unused", static))
    for key in ("DATABASE_URL", "DATABASE_APP_URL", "FRONTLINE_ENV", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    env["FRONTLINE_ENV"] = "production"
    result = subprocess.run(
        ["sh", "-c", step], cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]


def entrypoint(role: str) -> list[str]:
    runtime = image.stages()[-1]
    return [*image.exec_form(runtime.last("ENTRYPOINT") or ""), role]


def rehearse(
    role: str, env: dict[str, str], volume: Path, static: Path, log: Path
) -> subprocess.Popen[bytes]:
    argv = image.read_only_root(
        entrypoint(role), writable=[volume, Path("/tmp")], read_only=(static,), uid=image_uid()
    )
    out = open(log, "ab")  # noqa: SIM115 - the child holds it
    return subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=out, start_new_session=True)


def get(port: int, path: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "GET", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


def test_web_and_beat_run_from_the_image_read_only_as_its_user(tmp_path, volume, redis_url, django_db_setup):
    static = tmp_path / "static"
    collect_static_as_built(static, tmp_path)
    assert (static / "admin" / "css" / "base.css.gz").exists()  # compressed once, at build time
    assert any((static / "portal").glob("index.html"))  # the portal is built into the image

    port = free_port()
    env = serve.production_env(redis_url, volume, **image_env(volume, static))
    env.update(
        FRONTLINE_WEB_PORT=str(port),
        FRONTLINE_WEB_WORKERS="1",
        FRONTLINE_SECRET_KEY=secrets.token_urlsafe(50),
    )
    web = rehearse("web", env, volume, static, tmp_path / "web.log")
    beat = None
    try:
        assert serve.wait_http(f"http://127.0.0.1:{port}/readyz") == 200, (tmp_path / "web.log").read_text()[
            -3000:
        ]
        status, headers = get(port, "/static/admin/css/base.css")
        assert status == 200 and headers.get("content-encoding") == "gzip"
        # The HEALTHCHECK the engine would run, against this role.
        check = [sys.executable, str(REPO / "deploy" / "healthcheck.py")]
        healthy = subprocess.run(
            check, env=dict(env, FRONTLINE_ROLE="web"), capture_output=True, text=True, check=False
        )
        assert healthy.returncode == 0, healthy.stderr

        beat = rehearse("beat", env, volume, static, tmp_path / "beat.log")
        # Beat keeps its schedule on the volume: the one place it may write.
        assert wait_until(lambda: any(volume.glob("celerybeat-schedule*")), timeout=40), (
            tmp_path / "beat.log"
        ).read_text()[-3000:]
        assert beat.poll() is None
    finally:
        assert serve.stop(web) == 0, (tmp_path / "web.log").read_text()[-3000:]
        if beat is not None:
            serve.stop(beat)
    unhealthy = subprocess.run(
        check, env=dict(env, FRONTLINE_ROLE="web"), capture_output=True, text=True, check=False
    )
    assert unhealthy.returncode == 1 and len(unhealthy.stderr.strip().splitlines()) == 1, unhealthy.stderr
    if os.geteuid() == 0:
        # Everything the roles wrote belongs to the image's user, none of it to root.
        owners = {p.stat().st_uid for p in volume.rglob("*")}
        assert owners == {image_uid()}, owners


def test_read_only_root_really_refuses_writes(tmp_path, volume):
    """The rehearsal would prove nothing if the mounts did not hold: a write outside fails."""
    # Not under the checkout: a clone in /tmp sits under a writable mount (CI clones there).
    outside = Path("/usr/local") / f".rehearsal-probe-{secrets.token_hex(4)}"
    script = f"touch {shlex.quote(str(volume / 'ok'))} && touch {shlex.quote(str(outside))}"
    argv = image.read_only_root(["sh", "-c", script], writable=[volume, Path("/tmp")], uid=image_uid())
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert (volume / "ok").exists()
    assert result.returncode != 0 and not outside.exists()
    assert "Read-only file system" in result.stderr, result.stderr
    if os.geteuid() == 0:
        assert (volume / "ok").stat().st_uid == image_uid()
