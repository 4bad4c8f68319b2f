"""Write the secret files deploy/compose.yaml mounts (deploy/secrets/), each consistent with the others.

    python deploy/make_secrets.py                      # random keys and passwords; keeps existing files
    python deploy/make_secrets.py --self-signed example.com   # also a throw-away TLS pair (openssl)
    python deploy/make_secrets.py --private --dir /etc/frontline/secrets \
        --postgres db1.internal:5432 --pgbouncer 127.0.0.1:6432      # for the systemd units

Passwords appear twice on purpose: PostgreSQL's init script reads the bare password, the app
reads a URL holding it, PgBouncer reads its userlist; this script writes all from one value.
An existing file is never overwritten (a changed password would lock the app out of a database
already initialised with the old one); delete a file to have it made again.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

SECRETS_DIR = Path(__file__).resolve().parent / "secrets"
OWNER, APP, DATABASE = "frontline", "frontline_app", "frontline"


def _token() -> str:
    return secrets.token_urlsafe(48)


def _password() -> str:
    # URL-safe alphabet: the password sits in DATABASE_URL without quoting.
    return secrets.token_urlsafe(24)


def planned_files(
    existing: dict[str, str], *, postgres: str = "postgres:5432", pgbouncer: str = "pgbouncer:6432"
) -> dict[str, str]:
    """Every secret's content; values already on disk are kept and the derived ones follow them."""
    owner_pw = existing.get("db_owner_password") or _password()
    app_pw = existing.get("db_app_password") or _password()
    files = {
        "secret_key": _token(),
        "realtime_secret": _token(),
        "ai_token": _token(),
        "email_password": "",
        "db_owner_password": owner_pw,
        "db_app_password": app_pw,
        "database_url": f"postgres://{OWNER}:{owner_pw}@{postgres}/{DATABASE}",
        "database_app_url": f"postgres://{APP}:{app_pw}@{pgbouncer}/{DATABASE}",
        "pgbouncer_userlist": f'"{APP}" "{app_pw}"\n',
    }
    return {name: existing.get(name, value) for name, value in files.items()}


def _self_signed(domain: str, directory: Path) -> None:
    openssl = shutil.which("openssl")
    if not openssl:
        raise SystemExit("make_secrets.py: --self-signed needs the openssl command")
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "30", "-subj", f"/CN={domain}",
            "-addext", f"subjectAltName=DNS:{domain},DNS:*.{domain}",
            "-keyout", str(directory / "tls_key"), "-out", str(directory / "tls_cert"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=SECRETS_DIR)
    parser.add_argument("--self-signed", metavar="DOMAIN", help="write tls_cert/tls_key for DOMAIN")
    # Defaults are compose's service names; a systemd host names its own servers.
    parser.add_argument("--postgres", default="postgres:5432", help="host:port of PostgreSQL (owner URL)")
    parser.add_argument("--pgbouncer", default="pgbouncer:6432", help="host:port of PgBouncer (app URL)")
    # compose bind-mounts each file as it is, to containers running as 10001, postgres and nginx:
    # they must be world-readable (the folder stays private). systemd's LoadCredential reads as
    # root and hands each unit a private copy, so its files can be root's alone.
    parser.add_argument("--private", action="store_true", help="files 0600 (for systemd credentials)")
    args = parser.parse_args(argv)
    mode = 0o600 if args.private else 0o644
    directory: Path = args.dir
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    existing = {p.name: p.read_text() for p in directory.iterdir() if p.is_file()}
    written = []
    for name, content in planned_files(existing, postgres=args.postgres, pgbouncer=args.pgbouncer).items():
        path = directory / name
        if path.exists():
            continue
        path.write_text(content)
        path.chmod(mode)
        written.append(name)
    if args.self_signed and not (directory / "tls_cert").exists():
        _self_signed(args.self_signed, directory)
        (directory / "tls_key").chmod(mode)
        written += ["tls_cert", "tls_key"]
    missing_tls = [n for n in ("tls_cert", "tls_key") if not (directory / n).exists()]
    print(f"{directory}: wrote {', '.join(written) or 'nothing (all present)'}")
    if missing_tls:
        print(f"still needed: {', '.join(missing_tls)} (your certificate and key, or --self-signed DOMAIN)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
