"""Which PostgreSQL text-search configuration a tenant's tickets are indexed and searched with."""

from __future__ import annotations

from tenancy.models import Tenant

# Configurations PostgreSQL ships; the tenant setting `search_language` picks one.
SEARCH_CONFIGS = frozenset(
    {
        "simple",
        "arabic",
        "danish",
        "dutch",
        "english",
        "finnish",
        "french",
        "german",
        "greek",
        "hungarian",
        "indonesian",
        "italian",
        "norwegian",
        "portuguese",
        "romanian",
        "russian",
        "spanish",
        "swedish",
        "turkish",
    }
)
DEFAULT_CONFIG = "english"
MAX_INDEXED_CHARS = 100_000  # tsvector has a 1 MB limit; a message's head is enough to find it


def search_config(tenant: Tenant) -> str:
    value = str((tenant.settings or {}).get("search_language", DEFAULT_CONFIG))
    return value if value in SEARCH_CONFIGS else DEFAULT_CONFIG
