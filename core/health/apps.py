"""Health: the /healthz endpoint and the worker heartbeat it reports."""

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
