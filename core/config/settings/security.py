"""Security headers, cookies, HTTPS, the content security policy, trusted proxies and origins."""

from __future__ import annotations

import os

from config.settings.base import BASE_DOMAIN, IS_DEV, WEB_PORT
from contracts.env import env_bool

# -- security headers -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("FRONTLINE_SECURE_COOKIES", not IS_DEV)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("FRONTLINE_SSL_REDIRECT", not IS_DEV)
SECURE_HSTS_SECONDS = int(os.environ.get("FRONTLINE_HSTS_SECONDS", "0" if IS_DEV else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not IS_DEV
# Asks browsers' preload lists to pin HTTPS for the base domain (what `check --deploy` expects);
# set to 0 before the domain is ready to be HTTPS-only for good.
SECURE_HSTS_PRELOAD = env_bool("FRONTLINE_HSTS_PRELOAD", not IS_DEV)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes from the load balancer and the orchestrator speak plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSP_POLICY = os.environ.get(
    "FRONTLINE_CSP",
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'",
)
# Peers whose X-Real-IP header names the client (our nginx); networks, comma-separated.
FRONTLINE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("FRONTLINE_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FRONTLINE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if IS_DEV:
    CSRF_TRUSTED_ORIGINS += [f"http://*.{BASE_DOMAIN}:{WEB_PORT}", f"http://{BASE_DOMAIN}:{WEB_PORT}"]
