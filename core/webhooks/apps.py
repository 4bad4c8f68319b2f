"""Webhooks: per-tenant subscriptions that receive signed event payloads over HTTP."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from webhooks import subscribers  # noqa: F401  (registers its event subscribers)
