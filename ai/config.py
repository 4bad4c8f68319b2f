"""Settings of the AI service, read from the environment (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.env import data_dir as frontline_data_dir
from contracts.env import dev_secret, env_value, is_dev_or_test


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTLINE_AI_", extra="ignore")

    # Every endpoint but /healthz requires `Authorization: Bearer <token>`.
    token: str = ""
    # Model artifacts and per-tenant indexes live here (plain arrays + JSON, never pickle).
    data_dir: Path = Field(default_factory=lambda: frontline_data_dir() / "ai")
    # A tenant needs this many labelled tickets (and two categories) before category prediction runs.
    min_labelled: int = 50
    min_per_category: int = 3
    # Keep this many model versions per tenant for rollback.
    keep_versions: int = 10
    # Embeddings: set to false to use the keyword-only (TF-IDF/BM25) fallback.
    embeddings: bool = True
    # Which sentence vector category/priority models read beside TF-IDF (ai/pipelines.py):
    # accurate = MiniLM (needs `embeddings`), fast = static WordLlama, tfidf = none. A missing
    # encoder falls back to the next one; a train request may ask for another per tenant.
    classify_pipeline: Literal["accurate", "fast", "tfidf"] = "accurate"
    max_text_chars: int = 20_000
    max_batch: int = 256


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    if not settings.token:
        settings.token = env_value("FRONTLINE_AI_TOKEN")  # or FRONTLINE_AI_TOKEN_FILE
    if not settings.token:
        if not is_dev_or_test():
            raise RuntimeError("FRONTLINE_AI_TOKEN must be set outside dev/test")
        # The same file core reads when it has no FRONTLINE_AI_TOKEN (core/config/settings/integrations.py).
        settings.token = dev_secret("ai-service-token")
    return settings
