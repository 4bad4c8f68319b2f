"""Login throttling: after N failures for one email in one tenant, lock it for a while.

Counted in Redis (the cache), keyed by tenant and lower-cased email, so a lockout in
one tenant does not lock the same person out of another.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(tenant_id: int | None, email: str) -> str:
    return f"login-failures:{tenant_id or 'platform'}:{email.strip().lower()}"


def is_locked_out(*, tenant_id: int | None, email: str) -> bool:
    return int(cache.get(_key(tenant_id, email), 0)) >= settings.LOGIN_MAX_FAILURES


def record_failure(*, tenant_id: int | None, email: str) -> int:
    key = _key(tenant_id, email)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    count = cache.incr(key)
    cache.touch(key, settings.LOGIN_LOCKOUT_SECONDS)
    return int(count)


def reset(*, tenant_id: int | None, email: str) -> None:
    cache.delete(_key(tenant_id, email))
