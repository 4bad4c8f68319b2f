"""Which browser sessions each person holds, so a change of their access ends them at once.

Sessions live in the cache (Redis). Each sign-in adds its session key to a Redis hash per
user (`frontline:user-sessions:<user id>`: session key -> tenant id). Revoking deletes the
listed sessions (all of them, or those in one tenant, but never `keep`) and publishes a
`contracts.realtime.SocketRevocation` that makes every realtime gateway close the person's
open sockets; the same revocation is kept for a token lifetime so a connection token issued
just before it cannot open a socket after it.

Django also refuses a session whose stored password hash no longer matches (a password
change); this registry makes the other cases (deactivation, role change, 2FA change) and the
sockets immediate too.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

from contracts.realtime import REVOCATION_CHANNEL, SocketRevocation, revoked_since_key
from events.relay import redis_client

log = logging.getLogger(__name__)
PLATFORM = "platform"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _index_key(user_id: int) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:user-sessions:{user_id}"


def session_digest(session_key: str | None) -> str:
    """What a realtime token carries to name its session (never the key itself)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:24] if session_key else ""


def session_register(*, user_id: int, tenant_id: int | None, session_key: str) -> None:
    key = _index_key(user_id)
    pipe = redis_client().pipeline()
    pipe.hset(key, session_key, str(tenant_id) if tenant_id is not None else PLATFORM)
    pipe.expire(key, settings.SESSION_COOKIE_AGE)
    pipe.execute()


def session_unregister(*, user_id: int, session_key: str) -> None:
    redis_client().hdel(_index_key(user_id), session_key)


def _session_store(session_key: str) -> SessionBase:
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return store_class(session_key=session_key)


def sessions_of(*, user_id: int) -> dict[str, str]:
    raw = redis_client().hgetall(_index_key(user_id))
    return {_text(k): _text(v) for k, v in raw.items()}


def sessions_revoke(
    *,
    user_id: int,
    tenant_id: int | None = None,
    keep: str | None = None,
    keep_socket_of: str | None = None,
    reason: str,
) -> int:
    """End the user's sessions (in `tenant_id` only, if given) except `keep`, and their sockets
    except those of `keep_socket_of` (default `keep`: the same session under its key of
    before, when signing in again cycled it).

    Returns how many sessions ended. Call after the change has committed: a revocation for a
    change that rolled back would sign people out for nothing, but never let them in.
    """
    ended = 0
    index = _index_key(user_id)
    for session_key, where in sessions_of(user_id=user_id).items():
        if session_key == keep or (tenant_id is not None and where != str(tenant_id)):
            continue
        _session_store(session_key).delete()
        redis_client().hdel(index, session_key)
        ended += 1
    revocation = SocketRevocation(
        user_id=user_id,
        tenant_id=tenant_id,
        keep_session=session_digest(keep_socket_of or keep),
        reason=reason,
        at=int(time.time()),
    )
    body = revocation.model_dump_json()
    try:
        pipe = redis_client().pipeline()
        pipe.set(revoked_since_key(user_id), body, ex=settings.REALTIME_TOKEN_TTL_SECONDS + 5)
        pipe.publish(REVOCATION_CHANNEL, body)
        pipe.execute()
    except RedisError:
        # The sessions above are gone already (same Redis); a gateway that cannot hear this
        # still drops the socket when its token-bound session fails the next REST call.
        log.exception("socket revocation for user %s not published", user_id)
    return ended
