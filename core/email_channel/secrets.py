"""Secrets at rest (mailbox passwords): Fernet (AES-128-CBC + HMAC-SHA256) under a key
derived from SECRET_KEY with HKDF, so a database dump alone does not reveal them.

Rotating SECRET_KEY makes stored passwords unreadable: polling then records
"password cannot be decrypted" on the mailbox and an admin enters it again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadableError(ValueError):
    pass


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"frontline-secrets-v1", info=b"mailbox-password"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(plain: str) -> str:
    return _fernet(settings.SECRET_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.SECRET_KEY).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadableError("the stored password cannot be decrypted (SECRET_KEY changed?)") from exc
