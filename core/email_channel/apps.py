"""The email channel: inbound (SMTP receiver, raw MIME API) and outbound threaded mail."""

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "email_channel"
