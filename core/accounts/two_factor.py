"""TOTP codes (RFC 6238), recovery codes and the signed login challenge: the pieces without
tables, which `services.two_factor` composes.

* Codes: six digits, 30-second steps, SHA-1 (what every authenticator app speaks). A code is
  accepted for the current step and one step either side (clock skew of ±30 s), and only for
  a step newer than the last one accepted (`TotpDevice.last_used_step`): a code seen once, or
  any older one, is refused.
* The secret is encrypted at rest (Fernet under an HKDF key from SECRET_KEY), so a database
  dump alone does not yield anyone's second factor.
* Recovery codes: ten of 10 base32 characters (50 bits) each, stored as HMAC-SHA256 under a
  key from SECRET_KEY and the user id: random enough that a fast keyed hash is safe.
* The challenge: after the password step the browser holds no session, only this signed,
  five-minute token naming the user, the tenant and what comes next (a code, or enrolment).
  It carries a piece of the user's password hash, so a password change voids it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import signing

STEP_SECONDS = 30
DIGITS = 6
VALID_WINDOW = 1  # steps either side of now
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper

CHALLENGE_SALT = "accounts.two_factor.challenge"


class ChallengeInvalid(ValueError):
    """A challenge that was tampered with, expired or belongs to another tenant."""


# -- secrets --------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"frontline-secrets-v1", info=b"totp-secret"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, as RFC 4226 recommends


def seal(secret: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The secret, or None when it cannot be read (SECRET_KEY rotated): then no code matches."""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, drawn here (no image service sees the secret)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2)


# -- codes ----------------------------------------------------------------------------------
def normalize_code(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace() and ch != "-").upper()


def looks_like_totp(code: str) -> bool:
    return len(code) == DIGITS and code.isdigit()


def matching_step(secret: str, code: str, *, after_step: int, now: float | None = None) -> int | None:
    """The step within ±VALID_WINDOW of now whose code is `code` and that is newer than
    `after_step`, or None. Constant-time comparison for each candidate."""
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    def one() -> str:
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{raw[:5]}-{raw[5:]}"

    return [one() for _ in range(RECOVERY_CODE_COUNT)]


def recovery_code_hash(user_id: int, code: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"frontline-recovery-codes-v1", hashlib.sha256).digest()
    return hmac.new(key, f"{user_id}:{normalize_code(code)}".encode(), hashlib.sha256).hexdigest()


# -- the login challenge ---------------------------------------------------------------------
class Next:
    CODE = "code"  # enter a TOTP or recovery code
    ENROL = "enrol"  # the tenant requires 2FA for staff and this person has none yet


@dataclass(frozen=True)
class Challenge:
    user_id: int
    tenant_id: int
    next: str


def _password_mark(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def challenge_sign(*, user_id: int, tenant_id: int, next: str, password_hash: str) -> str:
    payload = {"u": user_id, "t": tenant_id, "n": next, "p": _password_mark(password_hash)}
    return signing.dumps(payload, salt=CHALLENGE_SALT, compress=False)


def challenge_read(token: str, *, tenant_id: int) -> tuple[Challenge, str]:
    """The challenge and the password mark it carries; ChallengeInvalid if it was tampered
    with, is older than TWO_FACTOR_CHALLENGE_SECONDS, or was issued on another tenant."""
    try:
        payload = signing.loads(token, salt=CHALLENGE_SALT, max_age=settings.TWO_FACTOR_CHALLENGE_SECONDS)
    except signing.SignatureExpired:
        raise ChallengeInvalid("The sign-in challenge expired; sign in with your password again.") from None
    except signing.BadSignature:
        raise ChallengeInvalid(
            "The sign-in challenge is not valid; sign in with your password again."
        ) from None
    if (
        not isinstance(payload, dict)
        or payload.get("t") != tenant_id
        or payload.get("n") not in (Next.CODE, Next.ENROL)
    ):
        raise ChallengeInvalid("The sign-in challenge is not valid here; sign in with your password again.")
    return Challenge(user_id=int(payload["u"]), tenant_id=tenant_id, next=payload["n"]), str(payload.get("p"))


def password_mark_matches(mark: str, password_hash: str) -> bool:
    return hmac.compare_digest(mark, _password_mark(password_hash))
