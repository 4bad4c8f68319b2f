"""Gateway settings from environment variables (no Django here)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from contracts.env import data_dir, env_number, env_value, is_dev_or_test
from contracts.realtime import derive_secret


def _secret() -> str:
    """The same key core uses: explicit, else derived from the Django secret key (dev: its file)."""
    explicit = env_value("FRONTLINE_REALTIME_SECRET")
    if explicit:
        return explicit
    django_key = env_value("FRONTLINE_SECRET_KEY")
    if django_key:
        return derive_secret(django_key)
    if is_dev_or_test():
        path = data_dir() / "secret-key"
        if path.exists():
            return derive_secret(path.read_text().strip())
    raise RuntimeError("Set FRONTLINE_REALTIME_SECRET (or FRONTLINE_SECRET_KEY) for the realtime gateway")


@dataclass(frozen=True)
class Settings:
    redis_url: str
    secret: str
    heartbeat_seconds: float = 25.0
    idle_timeout_seconds: float = 60.0
    send_queue_size: int = 256  # messages; beyond this the client is too slow and is cut off
    presence_ttl_seconds: float = 30.0  # a viewer not refreshed for this long is gone
    typing_ttl_seconds: float = 6.0  # the client repeats `typing` while the agent types
    presence_sweep_seconds: float = 2.0
    replay_limit: int = 5000  # more missed entries than this: resync instead of replaying
    reader_batch: int = 500
    redis_backoff_max_seconds: float = 5.0
    drain_seconds: float = 5.0
    redis_pool_size: int = 64  # connections for commands; stream readers have one each besides

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            secret=_secret(),
            heartbeat_seconds=env_number("FRONTLINE_REALTIME_HEARTBEAT", 25.0),
            idle_timeout_seconds=env_number("FRONTLINE_REALTIME_IDLE_TIMEOUT", 60.0),
            send_queue_size=int(env_number("FRONTLINE_REALTIME_QUEUE", 256)),
            presence_ttl_seconds=env_number("FRONTLINE_REALTIME_PRESENCE_TTL", 30.0),
            typing_ttl_seconds=env_number("FRONTLINE_REALTIME_TYPING_TTL", 6.0),
            presence_sweep_seconds=env_number("FRONTLINE_REALTIME_PRESENCE_SWEEP", 2.0),
            drain_seconds=env_number("FRONTLINE_REALTIME_DRAIN", 5.0),
            redis_pool_size=int(env_number("FRONTLINE_REALTIME_REDIS_POOL", 64)),
        )
