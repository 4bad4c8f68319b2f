"""Settings of the AI service, read from the environment (pydantic-settings)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.env import data_dir as frontline_data_dir
from contracts.env import env_value, is_dev_or_test


def dev_service_token(data_dir: Path) -> str:
    """The shared token for dev/test when FRONTLINE_AI_TOKEN is unset: generated once into the
    data folder, so core and the ai process (both started by `make run`) agree on it."""
    path = data_dir / "ai-service-token"
    if not path.exists():
        # Written aside then hard-linked into place: two processes starting together agree on one token.
        data_dir.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".ai-service-token.{os.getpid()}")
        spare.write_text(secrets.token_urlsafe(32))
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()


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
    # Category/priority models also read the ticket's MiniLM vector (needs `embeddings`): +2.7
    # points on BANKING77, but each classify pays for one encoding, 8 ms CPU p50 here, over the
    # 5 ms p99 budget, and a retrain encodes every ticket. Off by default; docs/benchmarks/ai.md has figures.
    classify_embeddings: bool = False
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
        settings.token = dev_service_token(frontline_data_dir())
    return settings
