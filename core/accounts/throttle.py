"""Throttling in Redis: lockouts per person (wrong passwords by email, wrong second-factor
codes by user), and request rate limits per client address.

Failures are keyed by kind, tenant and lower-cased email (or user id), so a lockout in one
tenant does not lock the same person out of another; rate limits likewise by tenant and address.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

LOGIN = "login"  # wrong passwords, keyed by email
TWO_FACTOR = "2fa"  # wrong TOTP or recovery codes, keyed by user id


def _key(tenant_id: int | None, email: str, kind: str = LOGIN) -> str:
    # Hashed: an address is whatever the caller typed (any length, any characters), and a
    # cache key must stay short and printable for every cache backend.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"{kind}-failures:{tenant_id or 'platform'}:{digest}"


def _limit(kind: str) -> int:
    return settings.TWO_FACTOR_MAX_FAILURES if kind == TWO_FACTOR else settings.LOGIN_MAX_FAILURES


def is_locked_out(*, tenant_id: int | None, email: str, kind: str = LOGIN) -> bool:
    return int(cache.get(_key(tenant_id, email, kind), 0)) >= _limit(kind)


def record_failure(*, tenant_id: int | None, email: str, kind: str = LOGIN) -> int:
    key = _key(tenant_id, email, kind)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    count = cache.incr(key)
    cache.touch(key, settings.LOGIN_LOCKOUT_SECONDS)
    return int(count)


def reset(*, tenant_id: int | None, email: str, kind: str = LOGIN) -> None:
    cache.delete(_key(tenant_id, email, kind))


# -- request rate limits (anonymous endpoints) ----------------------------------------------


class RateLimited(Exception):
    """Too many requests in the current window; the API answers 429 with Retry-After."""

    def __init__(self, scope: str, retry_after: int):
        super().__init__(f"Too many requests ({scope}). Try again in {retry_after} s.")
        self.scope = scope
        self.retry_after = retry_after


def rate_limit(*, scope: str, tenant_id: int | None, client: str, limit: int, window: int) -> None:
    """Count one request of `client` (an IP address) in `scope`; raise RateLimited past `limit`.

    A fixed window per (scope, tenant, client) in Redis: the counter key expires with its
    window, so nothing needs cleaning up, and one tenant's traffic never limits another's.
    """
    now = int(time.time())
    slot = now // window
    key = f"rate:{scope}:{tenant_id or 'platform'}:{client}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(scope, max(1, (slot + 1) * window - now))
