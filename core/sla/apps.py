"""App configuration of business hours and SLA policies."""

from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sla import subscribers  # noqa: F401  (registers its event subscribers)
