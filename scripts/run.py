"""`make run`: migrate, seed the demo once, print URLs and logins, run every service.

Runs inside `devstack.py exec`, so DATABASE_URL and REDIS_URL are set (embedded
servers when the user set none). honcho supervises the Procfile; Ctrl-C stops all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "core" / "manage.py"), *args], env=env, check=True)


def banner(env: dict[str, str]) -> str:
    sys.path[:0] = [str(ROOT / "core")]
    from demo.data import DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TENANTS  # plain data, no Django

    port = env.get("FRONTLINE_WEB_PORT", "8000")
    base = env.get("FRONTLINE_BASE_DOMAIN", "localhost")
    lines = ["", "Frontline is starting. Open:"]
    for slug, (name, people) in DEMO_TENANTS.items():
        host = f"http://{slug}.{base}:{port}"
        lines.append(f"  {name:<18} portal {host}/   admin {host}/admin/   API {host}/api/v1/docs")
        lines += [f"      {p.role:<9} {p.email}" for p in people]
    lines.append(f"  Platform admin     http://{base}:{port}/admin/   {DEMO_OPERATOR.email}")
    lines.append(f"  Health             http://{base}:{port}/healthz")
    lines.append(f"  Password for every demo login: {DEMO_PASSWORD}")
    lines.append("  Stop with Ctrl-C.\n")
    return "\n".join(lines)


def main() -> int:
    env = {
        **os.environ,
        "FRONTLINE_ENV": os.environ.get("FRONTLINE_ENV", "dev"),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    print("Migrating the database ...", flush=True)
    manage("migrate", "--database", "owner", "--no-input", "-v", "0", env=env)
    print("Seeding demo data (once; existing data is kept) ...", flush=True)
    manage("seed_demo", env=env)
    print(banner(env), flush=True)
    return subprocess.call(
        [str(VENV_BIN / "honcho"), "start", "-f", str(ROOT / "Procfile")], cwd=ROOT, env=env
    )


if __name__ == "__main__":
    sys.exit(main())
