"""The registry of assignment strategies: each module here registers one with `@register`.

Adding a strategy is adding one module to this package; it is imported on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from assignment.strategies.base import Strategy

DEFAULT_STRATEGY = "manual"
_REGISTRY: dict[str, Strategy] = {}


def register(cls: type) -> type:
    instance = cls()
    _REGISTRY[instance.key] = instance
    return cls


@cache
def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")


def registry() -> dict[str, Strategy]:
    _load_all()
    return dict(_REGISTRY)


def get_strategy(key: str | None) -> Strategy:
    strategies = registry()
    return strategies.get(key or DEFAULT_STRATEGY, strategies[DEFAULT_STRATEGY])
