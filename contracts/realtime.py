"""What core and the realtime gateway agree on: connection tokens, and who may see which event.

Connection tokens
-----------------
Core (`POST /api/v1/realtime/token`) signs a short-lived token with an HMAC key both
sides share (`FRONTLINE_REALTIME_SECRET`, or derived from the Django secret key with
`derive_secret`). The gateway has no database: everything it needs to authorize a
socket is in the signed claims (user, membership, tenant, role, display name, the
origins a browser may connect from, expiry).

Event audience (the contract for whoever writes events into the tenant stream)
------------------------------------------------------------------------------
The gateway decides per connection from the envelope alone, failing closed:

* `visibility == "internal"`: staff only (owner, admin, agent). Never a customer.
  A payload with `data["is_internal"] == true` (an internal note, `MessageAddedV1`) is
  treated as internal too, whatever the envelope says.
* `data["recipient_membership_id"]` (int, optional): the event is addressed to one
  membership (a notification); only that membership's sockets receive it.
* A customer receives a `public` event only when `data["requester_membership_id"]`
  equals the customer's membership id, or the id is in `data["follower_membership_ids"]`
  (people copied on the ticket). Ticket events (`ticket.*`, public `message.added`, ...)
  MUST therefore carry `requester_membership_id` (the ticket payloads in
  `contracts/payloads.py` require it); an event without it never reaches a customer.
* `data["agent_only"]` (object, optional): fields for staff eyes only (internal
  tags, SLA internals, AI confidence, ...). The gateway removes the key before a
  customer sees the event, so put every agent-only field under it.
* `subject_id` is the ticket id; the `ticket:<id>` topic matches on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from enum import IntEnum, StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contracts.events import EventEnvelope, Visibility

TOKEN_VERSION = "rt1"
DEFAULT_TOKEN_TTL_SECONDS = 60
STAFF_ROLES = frozenset({"owner", "admin", "agent"})
CUSTOMER_ROLE = "customer"


def derive_secret(secret_key: str) -> str:
    """The realtime key from the Django secret key, so dev needs no extra setting."""
    return hmac.new(secret_key.encode(), b"frontline-realtime-token-v1", hashlib.sha256).hexdigest()


class TokenKind(StrEnum):
    SESSION = "session"  # a browser: the Origin header must be one of `origins`
    API_TOKEN = "api_token"  # an integration: no Origin is fine, a wrong one is not


class ConnectionClaims(BaseModel):
    """What a connection token proves about the socket that presents it."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    membership_id: int
    tenant_id: int
    role: str
    name: str = Field(default="", description="Display name, shown to other agents in presence.")
    kind: TokenKind = TokenKind.SESSION
    origins: tuple[str, ...] = Field(default=(), description="Origins a browser may connect from.")
    exp: int = Field(description="Expiry, Unix seconds.")
    iat: int = Field(default=0, description="Issued at, Unix seconds (0: unknown, an older token).")
    session: str = Field(
        default="", description="A digest of the browser session it was issued to; empty for API tokens."
    )

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def origin_allowed(self, origin: str | None) -> bool:
        if origin is None:
            return self.kind == TokenKind.API_TOKEN
        return origin.rstrip("/").lower() in {o.rstrip("/").lower() for o in self.origins}


class TokenError(ValueError):
    """The token is malformed, forged or expired; the socket is refused."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signed_part: str) -> str:
    return _b64(hmac.new(secret.encode(), signed_part.encode(), hashlib.sha256).digest())


def sign_token(claims: ConnectionClaims, secret: str) -> str:
    """`rt1.<claims as base64 JSON>.<HMAC-SHA256>`: compact enough for a query string."""
    signed_part = f"{TOKEN_VERSION}.{_b64(claims.model_dump_json().encode())}"
    return f"{signed_part}.{_signature(secret, signed_part)}"


def verify_token(token: str, secret: str, now: float | None = None) -> ConnectionClaims:
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_VERSION:
        raise TokenError("malformed token")
    signed_part = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret, signed_part), parts[2]):
        raise TokenError("bad signature")
    try:
        claims = ConnectionClaims.model_validate_json(_unb64(parts[1]))
    except (ValidationError, ValueError) as exc:
        raise TokenError("malformed claims") from exc
    if claims.exp < (time.time() if now is None else now):
        raise TokenError("expired token")
    return claims


# -- who sees what -----------------------------------------------------------------

AGENT_ONLY_KEY = "agent_only"
STREAM_ID_RE = re.compile(r"^\d{1,20}(-\d{1,20})?$")


def recipient_of(envelope: EventEnvelope) -> int | None:
    value = envelope.data.get("recipient_membership_id")
    return value if isinstance(value, int) else None


def may_see(envelope: EventEnvelope, claims: ConnectionClaims) -> bool:
    """Whether this connection may receive the event at all (topics aside)."""
    if envelope.tenant_id != claims.tenant_id:
        return False
    recipient = recipient_of(envelope)
    if recipient is not None and recipient != claims.membership_id:
        return False
    if claims.is_staff:
        return True
    if claims.role != CUSTOMER_ROLE or envelope.visibility != Visibility.PUBLIC:
        return False
    if "is_internal" in envelope.data and envelope.data["is_internal"] is not False:
        return False  # a note marked internal in its payload fails closed even if mislabelled public
    if recipient == claims.membership_id:
        return True
    if envelope.data.get("requester_membership_id") == claims.membership_id:
        return True
    followers = envelope.data.get("follower_membership_ids")
    return isinstance(followers, list) and claims.membership_id in followers


def client_message(stream_id: str, envelope: EventEnvelope, for_staff: bool) -> dict[str, Any]:
    """The JSON a socket receives for one stream entry; customers lose agent-only fields."""
    data = envelope.data
    actor: dict[str, Any] = envelope.actor.model_dump(mode="json")
    if not for_staff:
        data = {k: v for k, v in data.items() if k != AGENT_ONLY_KEY}
        actor = {"kind": actor["kind"], "name": actor["name"]}
    return {
        "id": stream_id,
        "type": envelope.type,
        "data": data,
        "event_id": str(envelope.id),
        "subject_id": envelope.subject_id,
        "occurred_at": envelope.occurred_at.isoformat(),
        "actor": actor,
        "version": envelope.version,
    }


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), default=str)


# -- the socket protocol -------------------------------------------------------------


class Topic:
    """What a socket subscribes to (`topics=` on connect, or `subscribe` messages).

    * `inbox`: every event the connection may see (agents: the whole tenant;
      customers: their own tickets).
    * `ticket:<id>`: events whose `subject_id` is that ticket, plus presence on it.
    * `notifications`: events addressed to this membership (`recipient_membership_id`).
    """

    INBOX = "inbox"
    NOTIFICATIONS = "notifications"
    TICKET_PREFIX = "ticket:"


class ControlType(StrEnum):
    """Messages that are not stream entries carry `"id": null` and one of these types."""

    WELCOME = "realtime.welcome"  # data: connection id, resume_from, topics
    RESYNC = "realtime.resync"  # data: reason, resume_from: refetch state over REST
    HEARTBEAT = "realtime.heartbeat"
    PONG = "realtime.pong"
    ERROR = "realtime.error"  # data: detail; a bad client message, the socket stays open
    RECONNECT = "realtime.reconnect"  # data: last_id; the gateway is draining, reconnect
    PRESENCE = "presence.changed"  # data: ticket_id, viewers [{membership_id, name, typing}]


class CloseCode(IntEnum):
    """Close codes the gateway sends; 4401 also ends a socket whose sign-in was revoked."""

    GOING_AWAY = 1001
    TRY_AGAIN_LATER = 1013
    SERVICE_RESTART = 1012
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401  # missing, forged or expired token
    FORBIDDEN_ORIGIN = 4403
    IDLE_TIMEOUT = 4408
    SLOW_CONSUMER = 4429  # reason carries the last id sent: reconnect with it


def control(kind: ControlType, **data: Any) -> dict[str, Any]:
    return {"id": None, "type": kind.value, "data": data}


# -- revocation: core ends a person's sockets at once ---------------------------------

REVOCATION_CHANNEL = "frontline:realtime:revocations"
REVOKED_SINCE_PREFIX = "frontline:realtime:revoked-since"


def revoked_since_key(user_id: int) -> str:
    """Unix seconds of the person's latest revocation; tokens issued before it are refused."""
    return f"{REVOKED_SINCE_PREFIX}:{user_id}"


class SocketRevocation(BaseModel):
    """Published by core on `REVOCATION_CHANNEL` when a person's access ends or changes
    (password change or reset, deactivation, role change, 2FA change): every gateway closes
    that user's sockets (in `tenant_id` only, when given) with `CloseCode.UNAUTHORIZED`,
    except those opened from the session `keep_session` (the one that changed the password).
    """

    user_id: int
    tenant_id: int | None = None
    keep_session: str = ""
    reason: str = ""
    at: int = 0

    def applies_to(self, claims: ConnectionClaims) -> bool:
        if claims.user_id != self.user_id:
            return False
        if self.tenant_id is not None and claims.tenant_id != self.tenant_id:
            return False
        return not (self.keep_session and claims.session == self.keep_session)

    def refuses(self, claims: ConnectionClaims) -> bool:
        """A token issued before this revocation (at or before `at`) is refused on connect."""
        return self.applies_to(claims) and claims.iat <= self.at
