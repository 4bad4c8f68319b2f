"""Redis caching of hot knowledge base pages, per tenant, dropped whenever the KB changes.

Each tenant has a generation number in the cache; page keys include it, so bumping the
number retires every cached page of that tenant at once (no key scans). Writers bump
it at once and again after commit: the second bump retires a page that a concurrent
reader cached from the old data between the first bump and the commit.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

PAGE_TIMEOUT_SECONDS = 600


def _generation_key(tenant_id: int) -> str:
    return f"kb:gen:{tenant_id}"


def generation(tenant_id: int) -> int:
    value = cache.get(_generation_key(tenant_id))
    if value is None:
        cache.add(_generation_key(tenant_id), 1, timeout=None)
        value = cache.get(_generation_key(tenant_id), 1)
    return int(value)


def _bump(tenant_id: int) -> None:
    key = _generation_key(tenant_id)
    cache.add(key, 1, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 2, timeout=None)


def invalidate_tenant(tenant_id: int) -> None:
    """Call from services after any change a reader could see."""
    _bump(tenant_id)
    transaction.on_commit(lambda: _bump(tenant_id))


def page_key(tenant_id: int, *parts: str) -> str:
    return ":".join(["kb", "page", str(tenant_id), f"g{generation(tenant_id)}", *parts])


def page_get(key: str) -> Any:
    return cache.get(key)


def page_set(key: str, value: Any) -> None:
    cache.set(key, value, timeout=PAGE_TIMEOUT_SECONDS)
