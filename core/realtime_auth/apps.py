"""Django app config for realtime connection tokens."""

from django.apps import AppConfig


class RealtimeAuthConfig(AppConfig):
    name = "realtime_auth"
    verbose_name = "Realtime connection tokens"
