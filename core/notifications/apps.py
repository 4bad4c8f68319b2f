"""Notifications: in-app and email, by who is told what, per user preferences and tenant templates."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import subscribers  # noqa: F401  (registers its event subscribers)
