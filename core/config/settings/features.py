"""Knobs of single features: the knowledge base, webhooks and email."""

from __future__ import annotations

import os

from config.settings.base import BASE_DOMAIN, DATA_DIR, IS_DEV
from contracts.env import env_bool, env_value

# -- knowledge base -----------------------------------------------------------------
# Requests per window (seconds) per client address and tenant on the KB's anonymous endpoints.
KB_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "suggest": (int(os.environ.get("FRONTLINE_KB_SUGGEST_PER_MINUTE", "120")), 60),
    "search": (int(os.environ.get("FRONTLINE_KB_SEARCH_PER_MINUTE", "60")), 60),
    "view": (int(os.environ.get("FRONTLINE_KB_VIEW_PER_MINUTE", "60")), 60),
    "vote": (int(os.environ.get("FRONTLINE_KB_VOTE_PER_MINUTE", "30")), 60),
    "deflection": (int(os.environ.get("FRONTLINE_KB_DEFLECTION_PER_MINUTE", "30")), 60),
}
# Semantic suggest: how long the request may wait for the AI service to embed the query
# before answering from keywords alone, and how much the embedding score weighs (the rest
# goes to the keyword rank scaled to [0, 1] per query; 0.8 as in ai/similarity.py, where
# embeddings-heavy fusion measured best, and so a lone shared word cannot outrank meaning).
KB_SEMANTIC_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_KB_SEMANTIC_TIMEOUT", "0.03"))
KB_SEMANTIC_WEIGHT = float(os.environ.get("FRONTLINE_KB_SEMANTIC_WEIGHT", "0.8"))
# An article found by meaning alone must be at least this close (cosine) to be suggested.
KB_SEMANTIC_MIN_SCORE = float(os.environ.get("FRONTLINE_KB_SEMANTIC_MIN_SCORE", "0.35"))
# The AI service's embedding model (ai/embeddings.py MODEL_NAME); vectors of another model are ignored.
KB_EMBEDDING_MODEL = os.environ.get("FRONTLINE_KB_EMBEDDING_MODEL", "all-MiniLM-L6-v2-onnx-int8")

# -- webhooks ---------------------------------------------------------------------
# Loopback/private/link-local targets are refused unless the operator allows them
# (tests and a self-hosted intranet); checked after DNS resolution.
FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
FRONTLINE_WEBHOOKS_DISABLE_AFTER = int(os.environ.get("FRONTLINE_WEBHOOKS_DISABLE_AFTER", "20"))

# -- email ------------------------------------------------------------------------
# Tenants receive mail at support@<slug>.<FRONTLINE_MAIL_DOMAIN>. Outbound mail goes
# through Django's backend: SMTP when FRONTLINE_EMAIL_HOST is set, otherwise (dev) a
# file per message under .data/mail, so `make run` shows what was sent.
FRONTLINE_MAIL_DOMAIN = os.environ.get("FRONTLINE_MAIL_DOMAIN", f"mail.{BASE_DOMAIN}")
FRONTLINE_EMAIL_MAX_BYTES = int(os.environ.get("FRONTLINE_EMAIL_MAX_BYTES", str(25 * 1024 * 1024)))
FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR = int(os.environ.get("FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR", "60"))
FRONTLINE_INBOUND_EMAIL_TOKEN = env_value("FRONTLINE_INBOUND_EMAIL_TOKEN")
# IMAP polling of tenants' own mailboxes (email_channel/imap.py): per poll at most
# FRONTLINE_IMAP_BATCH messages; one poll of a mailbox at a time (a cache lock).
FRONTLINE_IMAP_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_IMAP_TIMEOUT_SECONDS", "20"))
FRONTLINE_IMAP_BATCH = int(os.environ.get("FRONTLINE_IMAP_BATCH", "100"))
FRONTLINE_IMAP_LOCK_SECONDS = int(os.environ.get("FRONTLINE_IMAP_LOCK_SECONDS", "600"))
# Like webhooks: a tenant's mailbox host may not be loopback/private/link-local (SSRF)
# unless the operator allows it (tests and local setups).
FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = env_bool("FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS", False)
# Without a timeout Django's SMTP backend waits forever on a relay that accepts the
# connection and never answers, and the mail worker hangs with it; the outbox retries.
EMAIL_TIMEOUT = float(os.environ.get("FRONTLINE_EMAIL_TIMEOUT_SECONDS", "15"))
EMAIL_HOST = os.environ.get("FRONTLINE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("FRONTLINE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("FRONTLINE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_value("FRONTLINE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("FRONTLINE_EMAIL_TLS", True)
elif IS_DEV or os.environ.get("FRONTLINE_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ.get("FRONTLINE_MAIL_DIR", str(DATA_DIR / "mail"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("FRONTLINE_DEFAULT_FROM_EMAIL", f"support@{FRONTLINE_MAIL_DOMAIN}")
