"""The email channel: inbound (SMTP receiver, raw MIME API) and outbound threaded mail."""

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "email_channel"

    def ready(self) -> None:
        from email_channel import subscribers  # noqa: F401  (registers its event subscribers)
