"""Users, passwords, login lockout, self-service limits and API tokens."""

from __future__ import annotations

import os

# -- auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Emails are unique case-insensitively (a Lower(email) unique constraint), which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledTenantBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = int(os.environ.get("FRONTLINE_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("FRONTLINE_LOGIN_LOCKOUT_SECONDS", "900"))
# Self-service password reset: links live two hours; at most this many mails per address
# and tenant per hour, and this many reset/sign-up requests per client IP per hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("FRONTLINE_PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
PASSWORD_RESET_MAX_PER_HOUR = int(os.environ.get("FRONTLINE_PASSWORD_RESET_MAX_PER_HOUR", "3"))
# Customer sign-up: the confirmation link (and the pending sign-up in the cache) lives this long.
SIGNUP_CONFIRM_SECONDS = int(os.environ.get("FRONTLINE_SIGNUP_CONFIRM_SECONDS", str(24 * 3600)))
SELF_SERVICE_MAX_PER_IP_PER_HOUR = int(os.environ.get("FRONTLINE_SELF_SERVICE_MAX_PER_IP_PER_HOUR", "30"))
API_TOKEN_TOUCH_SECONDS = 60  # last_used_at is written at most once a minute per token
# Two-factor sign-in: how long the challenge between the password and the code step lives.
TWO_FACTOR_CHALLENGE_SECONDS = int(os.environ.get("FRONTLINE_TWO_FACTOR_CHALLENGE_SECONDS", "300"))
# Wrong codes that lock a person's code step (per tenant) for LOGIN_LOCKOUT_SECONDS.
TWO_FACTOR_MAX_FAILURES = int(os.environ.get("FRONTLINE_TWO_FACTOR_MAX_FAILURES", "5"))
# Code attempts per client address per minute on the code endpoints (all users together).
TWO_FACTOR_MAX_PER_IP_PER_MINUTE = int(os.environ.get("FRONTLINE_TWO_FACTOR_MAX_PER_IP_PER_MINUTE", "30"))
# Self-serve desk sign-up on the platform host: "off" (the operator creates desks), "invite"
# (the form needs one of FRONTLINE_TENANT_SIGNUP_INVITE_CODES) or "open". An unconfirmed
# sign-up holds its address for TENANT_SIGNUP_CONFIRM_SECONDS; then anyone may take it.
TENANT_SIGNUP = os.environ.get("FRONTLINE_TENANT_SIGNUP", "off").strip().lower()
_INVITE_CODES = os.environ.get("FRONTLINE_TENANT_SIGNUP_INVITE_CODES", "")
TENANT_SIGNUP_INVITE_CODES = [code.strip() for code in _INVITE_CODES.split(",") if code.strip()]
TENANT_SIGNUP_CONFIRM_SECONDS = int(os.environ.get("FRONTLINE_TENANT_SIGNUP_CONFIRM_SECONDS", str(48 * 3600)))
TENANT_SIGNUP_MAX_PER_IP_PER_HOUR = int(os.environ.get("FRONTLINE_TENANT_SIGNUP_MAX_PER_IP_PER_HOUR", "5"))
