"""Server time of signing in with two-factor: the password step and the code step, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/login_2fa.py
    ... --rounds 200 --fresh

Creates (or reuses, `--fresh` drops it first) the database `frontline_bench_login`
(`FRONTLINE_BENCH_LOGIN_DB`) next to DATABASE_URL's, migrates it, and adds one tenant with an
agent who has a confirmed authenticator. Each round then runs, through Django's whole
middleware stack with production settings (the test client, no HTTP server), the password
step (`POST /api/v1/auth/login`, answered 202 with a challenge) and the code step
(`POST /api/v1/auth/login/code` with the current TOTP code, answered 200 with a session).
Between rounds, outside the timing, the device's last used step is reset so the same code
counts again (the product refuses a replay). The per-address code limit is raised for the
run (one client address sends every round). It prints the median and p99 of each step and of
both together, and the password hasher with its parameters: the password step's cost is
mostly Argon2.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "core"))
PASSWORD = "bench login passphrase"


def _api_load() -> Any:
    """bench/api_load.py by path (bench/ must not shadow the apps of core/ on sys.path)."""
    spec = importlib.util.spec_from_file_location("api_load", ROOT / "bench" / "api_load.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("bench/api_load.py not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _line(name: str, values: list[float]) -> str:
    median = statistics.median(values)
    return f"{name:<22} median {median:7.2f} ms   p99 {_p99(values):7.2f} ms   (n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args()
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url:
        print("Set DATABASE_URL (owner role)", file=sys.stderr)
        return 2
    api_load = _api_load()
    name = os.environ.get("FRONTLINE_BENCH_LOGIN_DB", "frontline_bench_login")
    admin_url, bench_url = api_load.bench_database(owner_url, name)
    api_load.ensure_database(admin_url, name, args.fresh)
    env = api_load.django_env(bench_url)
    env["FRONTLINE_TWO_FACTOR_MAX_PER_IP_PER_MINUTE"] = str(10 * (args.rounds + args.warmup))
    env["FRONTLINE_CACHE_PREFIX"] = "frontline-bench-login"
    api_load.manage(env, "migrate", "--database", "owner", "--no-input", "-v", "0")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import pyotp
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.test import Client

    from accounts import two_factor
    from accounts.models import TotpDevice, User
    from accounts.services.members import membership_set
    from tenancy.models import Tenant
    from tenancy.services import tenant_create

    tenant = Tenant.objects.filter(slug="login2fa").first() or tenant_create(
        slug="login2fa", name="Login 2FA"
    )
    email = "agent@login2fa.bench"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    user.set_password(PASSWORD)  # with the hasher configured now
    user.save()
    membership_set(tenant=tenant, user=user, role="agent")
    secret = two_factor.new_secret()
    TotpDevice.objects.filter(user=user).delete()
    device = TotpDevice.objects.create(
        user=user, secret=two_factor.seal(secret), confirmed_at=django.utils.timezone.now()
    )
    totp = pyotp.TOTP(secret)

    def round_trip() -> tuple[float, float]:
        TotpDevice.objects.filter(id=device.id).update(last_used_step=0)
        client = Client(HTTP_HOST=f"login2fa.{settings.BASE_DOMAIN}")
        started = time.perf_counter()
        step = client.post(
            "/api/v1/auth/login",
            json.dumps({"email": email, "password": PASSWORD}),
            content_type="application/json",
        )
        password_ms = (time.perf_counter() - started) * 1000
        assert step.status_code == 202, step.content
        body = json.dumps({"challenge": step.json()["challenge"], "code": totp.now()})
        started = time.perf_counter()
        signed_in = client.post("/api/v1/auth/login/code", body, content_type="application/json")
        code_ms = (time.perf_counter() - started) * 1000
        assert signed_in.status_code == 200, signed_in.content
        return password_ms, code_ms

    for _ in range(args.warmup):
        round_trip()
    passwords, codes = [], []
    for _ in range(args.rounds):
        p, c = round_trip()
        passwords.append(p)
        codes.append(c)
    hasher = get_hasher()
    params = {
        k: getattr(hasher, k)
        for k in ("time_cost", "memory_cost", "parallelism", "iterations")
        if hasattr(hasher, k)
    }
    print(f"password hasher: {hasher.algorithm} {params} (memory_cost in KiB)")
    print(_line("password step", passwords))
    print(_line("code step", codes))
    print(_line("both (per sign-in)", [p + c for p, c in zip(passwords, codes, strict=True)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
