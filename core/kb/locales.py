"""Knowledge base locales: which ones a tenant offers, its default, and each one's search language."""

from __future__ import annotations

import re

from tenancy.models import Tenant

DEFAULT_LOCALE = "en"
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")

# PostgreSQL's built-in text search configurations, by language. Anything else is
# searched with `simple` (no stemming, no stop words): still correct, just less clever.
_SEARCH_CONFIGS = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
    "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip


def search_config_for(locale: str) -> str:
    return _SEARCH_CONFIGS.get(locale.split("-", 1)[0].lower(), "simple")


def tenant_locales(tenant: Tenant) -> list[str]:
    """The tenant's knowledge base locales, default first."""
    kb = tenant.settings.get("kb", {}) if isinstance(tenant.settings, dict) else {}
    default = kb.get("default_locale") or DEFAULT_LOCALE
    others = [loc for loc in kb.get("locales", []) if loc != default]
    return [default, *others]


def tenant_default_locale(tenant: Tenant) -> str:
    return tenant_locales(tenant)[0]


def resolve_locale(tenant: Tenant, requested: str | None) -> str:
    """The requested locale if the tenant offers it, else the tenant's default."""
    locales = tenant_locales(tenant)
    if requested:
        if requested in locales:
            return requested
        base = requested.split("-", 1)[0]
        if base in locales:
            return base
    return locales[0]
